// A local fleet: a three-node JetStream cluster (nats-cluster.ts), the fake SMSC and N engine processes
// with distinct BYO_INSTANCE_ID, all sharing one master key and API token, each engine listing every
// cluster node in NATS_URL. Used by test/e2e/fleet*.test.ts, `npm run fleet` (deploy/fleet.ts) and the
// scale-out benchmark. Replicas are left to the engine: it makes R3 streams and buckets on a cluster.
import { randomBytes } from 'node:crypto';
import { startNatsCluster, type TestNatsCluster } from './nats-cluster.js';
import { startFakeSmsc, type FakeSmsc, type FakeSmscOptions } from './fake-smsc.js';
import { FAST_TIMERS, removeDir, startEngine, type EngineProcess } from './engine-process.js';

export interface Fleet {
  cluster: TestNatsCluster;
  smsc: FakeSmsc;
  engines: EngineProcess[];
  /** instance id of engines[i] */
  instanceIds: string[];
  /** the env every engine runs with */
  env: Record<string, string>;
  /** starts engine `index` again (after kill or stop), on its old data dir */
  restartEngine(index: number): Promise<EngineProcess>;
  close(): Promise<void>;
}

export interface StartFleetOptions {
  engines?: number;
  smsc?: FakeSmscOptions;
  /** on top of the fleet's env */
  env?: Record<string, string>;
  /**
   * true (tests): the e2e helper's short bind/backoff timers; false (`npm run fleet`): the engine's
   * defaults. The owner timers (claim TTL, renewal, fence) are the engine's defaults either way.
   */
  fastTimers?: boolean;
  logLevel?: string;
  /** node flags for every engine (the benchmark's --cpu-prof) */
  nodeArgs?: string[];
}

export async function startFleet(opts: StartFleetOptions = {}): Promise<Fleet> {
  const count = opts.engines ?? 3;
  const cluster = await startNatsCluster();
  let smsc: FakeSmsc | undefined;
  const engines: EngineProcess[] = [];
  try {
    smsc = await startFakeSmsc(opts.smsc ?? { autoDlr: true });
    const defaults = opts.fastTimers === false ? Object.fromEntries(Object.keys(FAST_TIMERS).map((k) => [k, ''])) : {};
    const env: Record<string, string> = {
      ...defaults,
      NATS_URL: cluster.urls,
      BYO_EXTRA_PORTS: String(smsc.port),
      BYO_ALLOW_PLAINTEXT: '1',
      BYO_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: opts.logLevel ?? 'info',
      ...opts.env,
    };
    const instanceIds = Array.from({ length: count }, (_, i) => `engine-${i + 1}`);
    // one at a time: the first creates the streams and buckets, the others find them
    for (const id of instanceIds) engines.push(await startEngine({ ...env, BYO_INSTANCE_ID: id }, { nodeArgs: opts.nodeArgs }));
    const fleetSmsc = smsc;
    return {
      cluster, smsc: fleetSmsc, engines, instanceIds, env,
      restartEngine: async (index) => {
        const old = engines[index];
        if (!old) throw new Error(`no engine ${index}`);
        await old.kill().catch(() => undefined);
        engines[index] = await startEngine({ ...env, BYO_INSTANCE_ID: instanceIds[index]! }, { dataDir: old.dataDir, nodeArgs: opts.nodeArgs });
        return engines[index];
      },
      close: async () => {
        await Promise.all(engines.map((e) => e.stop().catch(() => e.kill().catch(() => undefined))));
        for (const e of engines) removeDir(e.dataDir);
        await fleetSmsc.close();
        await cluster.stop();
      },
    };
  } catch (err) {
    await Promise.all(engines.map((e) => e.kill().catch(() => undefined)));
    await smsc?.close();
    await cluster.stop();
    throw err;
  }
}
