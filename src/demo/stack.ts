// What the demo runs: NATS (NATS_URL, or a nats-server child like the engine's own), the SMSC simulator
// in this process, and the engine as a child process (`tsx src/main.ts`, the `npm start` path), with a
// throwaway data dir. Everything stops in reverse order, also when a later part fails to start.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServerChild } from '../adapters/nats/index.js';
import { startSimulator, type SmscSimulator } from '../simulator/index.js';

/** how long the engine may take to listen, in ms (a cold tsx start on a busy machine) */
export const ENGINE_READY_TIMEOUT_MS = 45_000;
/** how long the engine may take to drain on SIGTERM before SIGKILL, in ms */
const ENGINE_STOP_TIMEOUT_MS = 15_000;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

export const DEMO_ACCOUNT = { systemId: 'demo', password: 'demo-pw' };
/** the simulator's receipt delay, in ms: long enough to see `submitted` before `delivered` */
export const DEMO_RECEIPT_DELAY_MS = 300;

export interface Stack {
  natsUrl: string;
  natsEmbedded: boolean;
  smsc: SmscSimulator;
  engineUrl: string;
  token: string;
  dataDir: string;
  engineLog: string;
  stop(): Promise<void>;
}

export async function startStack(env: NodeJS.ProcessEnv, step: (name: string) => void): Promise<Stack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'byo-demo-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));

    step('start NATS');
    let natsUrl = env.NATS_URL;
    if (!natsUrl) {
      const nats = await startNatsServerChild({ storeDir: join(dataDir, 'nats'), host: '127.0.0.1', readyTimeoutMs: 15_000, stopTimeoutMs: 5_000 });
      stops.push(() => nats.stop());
      natsUrl = nats.url;
    }

    step('start the SMSC simulator');
    const smsc = await startSimulator({ accounts: [DEMO_ACCOUNT], autoDlr: { delayMs: DEMO_RECEIPT_DELAY_MS } });
    stops.push(() => smsc.close());

    step('start the engine');
    const engineLog = join(dataDir, 'engine.log');
    // no BYO_API_TOKEN: the engine writes a token into the data dir; the console signs in with it
    const { BYO_API_TOKEN: _ignored, ...engineEnv } = env;
    const engine = await startEngineChild({
      ...engineEnv, NATS_URL: natsUrl, BYO_DATA_DIR: dataDir, BYO_HTTP: env.BYO_HTTP ?? '127.0.0.1:8080',
      BYO_ALLOW_PLAINTEXT: '1', BYO_EXTRA_PORTS: String(smsc.port), BYO_BIND_STAGGER_MS: env.BYO_BIND_STAGGER_MS ?? '200',
    }, engineLog);
    stops.push(() => engine.stop());
    const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim();
    return { natsUrl, natsEmbedded: !env.NATS_URL, smsc, engineUrl: engine.url, token, dataDir, engineLog, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startEngineChild(env: NodeJS.ProcessEnv, logFile: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  let tail = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ENGINE_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the engine did not listen within ${ENGINE_READY_TIMEOUT_MS} ms; its log: ${logFile}\n${tail}`)), ENGINE_READY_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      log.write(d);
      tail = (tail + d.toString()).slice(-3000);
      const m = /"address":"(http:\/\/[^"]+)"/.exec(tail);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the engine exited with code ${code} while starting:\n${tail}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, stop };
}
