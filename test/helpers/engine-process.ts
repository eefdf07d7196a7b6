// Runs the engine as a real child process (the README's `npm start` path: tsx src/main.ts), learns
// its HTTP address from its first log lines, and keeps everything it logged for secret searches.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EngineProcess {
  url: string;
  token: string;
  dataDir: string;
  logs: () => string;
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; text: string }>;
  /** SIGTERM and wait for exit (graceful: unbinds) */
  stop: () => Promise<number | null>;
  /** SIGKILL: no chance to unbind or ack */
  kill: () => Promise<void>;
  child: ChildProcess;
}

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Fast, named timers so an e2e run takes seconds: same code paths, smaller numbers. */
export const FAST_TIMERS: Record<string, string> = {
  BYO_BIND_STAGGER_MS: '100', BYO_BACKOFF_INITIAL_MS: '100', BYO_BACKOFF_MAX_MS: '500',
  BYO_AUTH_BACKOFF_INITIAL_MS: '2000', BYO_ENQUIRE_LINK_INTERVAL_MS: '2000', BYO_ENQUIRE_LINK_TIMEOUT_MS: '2000',
  BYO_CONNECT_TIMEOUT_MS: '3000', BYO_BIND_RESPONSE_TIMEOUT_MS: '3000', BYO_RESPONSE_TIMEOUT_MS: '5000',
  BYO_UNBIND_TIMEOUT_MS: '1000', BYO_DEACTIVATE_TIMEOUT_MS: '3000', BYO_THROTTLE_BACKOFF_MS: '50',
  BYO_REQUEUE_DELAY_MS: '200',
};

/** `nodeArgs`: node flags before the entry point (e.g. --cpu-prof, which NODE_OPTIONS refuses) */
/** engines still running: killed when the test process exits, so a hung engine (a blocked event loop
 *  ignores SIGTERM) never outlives its run and slows every later test on the machine */
const running = new Set<ChildProcess>();
let reaperInstalled = false;
export function reapOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', () => { for (const c of running) c.kill('SIGKILL'); });
}

export async function startEngine(
  env: Record<string, string>, opts: { dataDir?: string; readyTimeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<EngineProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'byo-engine-'));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', BYO_HTTP: '127.0.0.1:0', BYO_DATA_DIR: dataDir,
      BYO_API_TOKEN: TEST_TOKEN, BYO_INSTANCE_ID: 'e2e', LOG_LEVEL: 'debug', ...FAST_TIMERS, ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  reapOnExit(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start within ${opts.readyTimeoutMs ?? 30_000} ms:\n${out.slice(-3000)}`)), opts.readyTimeoutMs ?? 30_000);
    const check = () => {
      const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`engine exited with ${code}:\n${out.slice(-3000)}`)); });
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    }).catch((err: unknown) => {
      throw new Error(`${method} ${path} failed: ${String(err)}\n--- engine log tail ---\n${out.slice(-4000)}`);
    });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, body: parsed, text };
  };
  return {
    url, token: TEST_TOKEN, dataDir, child, api,
    logs: () => out,
    stop: async () => { child.kill('SIGTERM'); return bounded(exited, 20_000, 'engine stop'); },
    kill: async () => { child.kill('SIGKILL'); await bounded(exited, 10_000, 'engine kill'); },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e as Error); });
  });
}

/** Polls `fn` until it returns a truthy value; every wait in a test is bounded. */
export async function eventually<T>(fn: () => Promise<T> | T, { timeoutMs = 15_000, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
