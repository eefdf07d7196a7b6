// A real `nats-server -js` per test file, after nats.js `nst/src/launcher.ts`: a port picked by the
// server, its own temp store dir, removed on stop. Call stop() from afterAll so cleanup runs whether
// or not the tests passed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServerChild, type NatsServerChild } from '../../src/adapters/nats/nats-server-child.js';

export interface TestNatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** kills the server and removes its store */
  stop(): Promise<void>;
  /** stops the server, keeping its store, so clients see a disconnect */
  kill(): Promise<void>;
  /** starts it again on the same port and store: clients reconnect and JetStream data survives */
  restart(): Promise<void>;
}

export interface StartNatsServerOptions {
  readyTimeoutMs?: number;
  extraArgs?: readonly string[];
}

export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<TestNatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), 'byo-nats-'));
  const launch = (port?: number) => startNatsServerChild({
    storeDir,
    port,
    binary: process.env.NATS_SERVER_BIN,
    readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
    stopTimeoutMs: 5_000,
    extraArgs: opts.extraArgs,
  });
  let child: NatsServerChild;
  try {
    child = await launch();
  } catch (err) {
    await rm(storeDir, { recursive: true, force: true });
    throw err;
  }
  const { url, port } = child;
  return {
    url,
    port,
    storeDir,
    stop: async () => {
      await child.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
    kill: () => child.stop(),
    restart: async () => {
      await child.stop();
      child = await launch(port);
    },
  };
}
