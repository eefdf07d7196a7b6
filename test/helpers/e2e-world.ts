// One e2e world: a nats-server, fake SMSCs, an engine process and an MT client, torn down together.
import { startNatsServer, type TestNatsServer } from './nats-server.js';
import { startFakeSmsc, type FakeSmsc, type FakeSmscOptions } from './fake-smsc.js';
import { startEngine, removeDir, type EngineProcess } from './engine-process.js';
import { MtClient } from './mt-client.js';

export interface World {
  nats: TestNatsServer;
  smscs: FakeSmsc[];
  engine: EngineProcess;
  mt: MtClient;
  /** the env the engine runs with (plaintext allowed, the SMSCs' ports approved) */
  env: Record<string, string>;
  /** SIGKILL or SIGTERM happened: start a new engine process on the same data dir (`overrides` on top of env) */
  restartEngine(overrides?: Record<string, string>): Promise<EngineProcess>;
  close(): Promise<void>;
}

export async function startWorld(smscOptions: FakeSmscOptions[], extraEnv: Record<string, string> = {}): Promise<World> {
  const nats = await startNatsServer();
  const smscs = await Promise.all(smscOptions.map((o) => startFakeSmsc(o)));
  const env = {
    NATS_URL: nats.url, BYO_EXTRA_PORTS: smscs.map((s) => s.port).join(','), BYO_ALLOW_PLAINTEXT: '1', ...extraEnv,
  };
  const engine = await startEngine(env);
  const mt = await MtClient.connect(nats.url);
  const world: World = {
    nats, smscs, engine, mt, env,
    restartEngine: async (overrides = {}) => (world.engine = await startEngine({ ...env, ...overrides }, { dataDir: world.engine.dataDir })),
    close: async () => {
      await mt.close();
      await world.engine.stop().catch(() => undefined);
      for (const s of smscs) await s.close();
      await nats.stop();
      removeDir(world.engine.dataDir);
    },
  };
  return world;
}
