// The processes a benchmark scenario runs: its own nats-server, the fake SMSC (in a child process, or
// in this one when the scenario needs its timestamps) and the engine as `node --import tsx src/main.ts`,
// the same way users and the e2e tests start it.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startNatsServerChild } from '../src/adapters/nats/nats-server-child.js';
import { FAST_TIMERS, reapOnExit } from '../test/helpers/engine-process.js';
import type { FakeSmscReply, FakeSmscRequest } from './fake-smsc-process.js';
import { ENGINE_ELD_RESOLUTION_MS, eventLoopDelayMs } from './soak-stats.js';

export interface BenchNats {
  url: string;
  pid: number;
  /** messages (and bytes) the server has received and sent so far (its /varz in_msgs, out_msgs, in_bytes) */
  msgCounts(): Promise<{ in: number; out: number; inBytes: number }>;
  stop(): Promise<void>;
}

/** a port the OS considers free right now */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export async function startNats(): Promise<BenchNats> {
  const storeDir = await mkdtemp(join(tmpdir(), 'byo-bench-nats-'));
  // the monitoring port gives messages per delivered message: a guard against extra round trips
  const monitorPort = await freePort();
  const child = await startNatsServerChild({ storeDir, readyTimeoutMs: 10_000, stopTimeoutMs: 5_000, extraArgs: ['-m', String(monitorPort)] });
  return {
    url: child.url,
    pid: child.pid,
    msgCounts: async () => {
      const v = await (await fetch(`http://127.0.0.1:${monitorPort}/varz`)).json() as { in_msgs: number; out_msgs: number; in_bytes: number };
      return { in: v.in_msgs, out: v.out_msgs, inBytes: v.in_bytes };
    },
    stop: async () => {
      await child.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

export interface SmscProcess {
  port: number;
  pid: number;
  stats(): Promise<{ submitCount: number; bound: number; connections: number }>;
  close(): Promise<void>;
}

/** bench/fake-smsc-process.ts in a child process */
export async function startSmscProcess(opts: { receipts?: boolean; tls?: { key: string; cert: string } } = {}): Promise<SmscProcess> {
  const child: ChildProcess = fork(join(import.meta.dirname, 'fake-smsc-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env, FAKE_SMSC_RECEIPTS: opts.receipts ? '1' : '0',
      ...(opts.tls ? { FAKE_SMSC_TLS_KEY: opts.tls.key, FAKE_SMSC_TLS_CERT: opts.tls.cert } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (type: FakeSmscReply['type']) => new Promise<FakeSmscReply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake SMSC process: no '${type}' within 15 s`)), 15_000);
    const onMessage = (m: FakeSmscReply) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
  });
  const ready = await next('ready');
  const ask = (m: FakeSmscRequest) => child.send(m);
  return {
    port: (ready as { port: number }).port,
    pid: child.pid!,
    stats: async () => {
      const reply = next('stats');
      ask({ type: 'stats' });
      const { submitCount, bound, connections } = (await reply) as Extract<FakeSmscReply, { type: 'stats' }>;
      return { submitCount, bound, connections };
    },
    close: async () => {
      if (child.exitCode === null && child.connected) ask({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface BenchEngine {
  url: string;
  token: string;
  pid: number;
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; text: string }>;
  /** engine memory and event-loop figures from its Prometheus endpoint */
  metrics(): Promise<{ rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; eventLoopDelayP99Ms: number }>;
  /** the last lines it logged (warnings and errors during the run) */
  logTail(): string;
  /** the V8 heap's running totals (bench/gc-stats.mjs): bytes allocated, collections and their pauses; undefined without them */
  gcStats(): GcTotals | undefined;
  /** SIGTERM (graceful: unbinds; writes the CPU profile when profiling), SIGKILL after 20 s; removes the data dir */
  stop(): Promise<void>;
}

export interface GcTotals { allocatedBytes: number; scavenges: number; scavengeMs: number; majorGcs: number; majorGcMs: number }

/** bench/gc-stats.mjs's totals file; read again when caught half-written (it is rewritten in place 10 times a second) */
export function readGcTotals(file: string): GcTotals | undefined {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as GcTotals;
    } catch {
      // not written yet, or being written
    }
  }
  return undefined;
}

/** BENCH_GC_STATS=0: start engines without bench/gc-stats.mjs (no allocation figures) */
const GC_STATS = process.env.BENCH_GC_STATS !== '0';

const ENGINE_TOKEN = 'bench-token-0123456789abcdef';
/** how long one admin API call may take (BENCH_API_TIMEOUT_MS; raise it on a starved host) */
const API_TIMEOUT_MS = Number(process.env.BENCH_API_TIMEOUT_MS || 30_000);
const LOG_TAIL_CHARS = 20_000;

/**
 * `node --import tsx src/main.ts` (as `npm start` runs it) with plaintext allowed and fast timers;
 * info-level logs because the HTTP address is logged at info. `cpuProfDir` adds --cpu-prof (not allowed in
 * NODE_OPTIONS, hence our own spawn rather than test/helpers/engine-process.ts); `distDir` runs a tsc build
 * (`<distDir>/src/main.js`) instead, whose source maps give profiles real file:line positions.
 */
/** glibc's mmap threshold as `npm start`, the systemd unit and the image set it (docs/configuration.md) */
export const SHIPPED_MALLOC_MMAP_THRESHOLD = '40960';

/** an environment without the variables set to '' (`BENCH_ENGINE_ENV=MALLOC_MMAP_THRESHOLD_=` leaves glibc's own threshold) */
export const withoutEmpty = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));

/** BENCH_ENGINE_ENV=K=V,…: extra environment for every engine a bench starts (e.g. MALLOC_MMAP_THRESHOLD_=16384) */
export function benchEngineEnv(): Record<string, string> {
  return Object.fromEntries((process.env.BENCH_ENGINE_ENV ?? '').split(',').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`BENCH_ENGINE_ENV wants K=V pairs, got "${kv}"`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }));
}

export async function startBenchEngine(
  natsUrl: string, smscPort: number, env: Record<string, string>, opts: { cpuProfDir?: string; distDir?: string; gcStats?: boolean } = {},
): Promise<BenchEngine> {
  const dataDir = await mkdtemp(join(tmpdir(), 'byo-bench-engine-'));
  const entry = opts.distDir ? [join(opts.distDir, 'src', 'main.js')] : ['--import', 'tsx', 'src/main.ts'];
  const args = [...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []), ...entry];
  const extraEnv = { ...env, ...benchEngineEnv() };
  // off where the engine's own idle CPU is the figure (idle-scale): the totals are written 10 times a second
  const gcStatsFile = GC_STATS && opts.gcStats !== false ? join(dataDir, 'gc-stats.json') : undefined;
  const nodeOptions = [extraEnv.NODE_OPTIONS, gcStatsFile ? `--import "${pathToFileURL(join(import.meta.dirname, 'gc-stats.mjs')).href}"` : ''].filter(Boolean).join(' ');
  const child = spawn(process.execPath, args, {
    cwd: join(import.meta.dirname, '..'),
    env: withoutEmpty({
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
      ...FAST_TIMERS,
      BYO_BIND_STAGGER_MS: '50',
      // a run is short: no enquire_link or resend timer firing in the middle of it
      BYO_ENQUIRE_LINK_INTERVAL_MS: '30000', BYO_RESPONSE_TIMEOUT_MS: '10000',
      BYO_HTTP: '127.0.0.1:0', BYO_DATA_DIR: dataDir, BYO_API_TOKEN: ENGINE_TOKEN, BYO_INSTANCE_ID: 'bench',
      NATS_URL: natsUrl, BYO_ALLOW_PLAINTEXT: '1', BYO_EXTRA_PORTS: String(smscPort), LOG_LEVEL: 'info',
      // as `npm start`, the unit and the image run it (BENCH_ENGINE_ENV may override it)
      MALLOC_MMAP_THRESHOLD_: SHIPPED_MALLOC_MMAP_THRESHOLD,
      ...extraEnv,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      ...(gcStatsFile ? { BYO_BENCH_GC_STATS_FILE: gcStatsFile } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  reapOnExit(child); // a bench that ends early (an error, process.exit) leaves no engine running
  let out = '';
  // BENCH_ENGINE_LOG_FILE: every line the engine logs, appended to that file (the tail below is bounded)
  const logFile = process.env.BENCH_ENGINE_LOG_FILE;
  const keep = (d: Buffer) => {
    if (logFile) appendFileSync(logFile, d);
    out += d.toString();
    if (out.length > 2 * LOG_TAIL_CHARS) out = out.slice(-LOG_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start within 60 s:\n${out.slice(-3000)}`)), 60_000);
    const check = () => {
      const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`engine exited with ${code}:\n${out.slice(-3000)}`)); });
  });
  const headers = { authorization: `Bearer ${ENGINE_TOKEN}` };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, body: parsed, text };
  };
  const eldResolutionMs = Number(env.BYO_EVENT_LOOP_MONITOR_RESOLUTION_MS ?? ENGINE_ELD_RESOLUTION_MS);
  const metrics = async () => {
    const res = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return {
      rssMb: value('byo_process_resident_memory_bytes') / 2 ** 20,
      heapUsedMb: value('byo_nodejs_heap_size_used_bytes') / 2 ** 20,
      heapTotalMb: value('byo_nodejs_heap_size_total_bytes') / 2 ** 20,
      externalMb: value('byo_nodejs_external_memory_bytes') / 2 ** 20,
      eventLoopDelayP99Ms: eventLoopDelayMs(value('byo_nodejs_eventloop_lag_p99_seconds'), eldResolutionMs),
    };
  };
  return {
    url, token: ENGINE_TOKEN, pid: child.pid!, api, metrics,
    logTail: () => out.slice(-LOG_TAIL_CHARS),
    gcStats: () => (gcStatsFile ? readGcTotals(gcStatsFile) : undefined),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** max `limit` calls of `fn` running at once over `items` */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

export interface BenchIntegration { org: string; id: string; sender: string }

/**
 * Creates, imports one sender number into and activates `count` integrations against the SMSC on
 * `port`, each with its own systemId, at `messagesPerSecond` (the engine override may lift it);
 * `tls`: TLS binds verifying the SMSC's certificate against `ca` (plaintext otherwise).
 * Creation and imports run one at a time, activations 8 at a time. (With imports running concurrently
 * beside activations, some activate responses once never came: the HTTP view listed numbers with kv.keys(),
 * which could hang; fixed in 9319c20. One at a time costs ~3 s for 50 integrations and cannot hit it.)
 */
export async function createIntegrations(
  engine: BenchEngine, port: number, count: number, messagesPerSecond: number, tls?: { ca: string; servername: string },
): Promise<BenchIntegration[]> {
  const org = 'bench';
  const check = (r: { status: number; text: string }, what: string, status: number) => {
    if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  };
  const created: BenchIntegration[] = [];
  for (let k = 0; k < count; k++) {
    const res = await engine.api('POST', `/v1/orgs/${org}/integrations`, {
      name: `bench ${k}`, smscAddress: '127.0.0.1', smscPort: port, tls: tls ?? false,
      credentials: { systemId: `bench${k}`, password: 'secret1' }, messagesPerSecond,
    });
    check(res, 'create integration', 201);
    const id = res.body.id as string;
    const sender = `+1555${String(k).padStart(7, '0')}`;
    check(await engine.api('POST', `/v1/orgs/${org}/integrations/${id}/numbers`, { type: 'local', senderId: sender }), 'import number', 201);
    created.push({ org, id, sender });
  }
  await inParallel(created, 8, async ({ id }) => check(await engine.api('POST', `/v1/orgs/${org}/integrations/${id}/activate`), 'activate', 200));
  return created;
}

/** polls until `fn` is true; bounded */
export async function until(fn: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** stops what was started, last first, whatever failed */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps) await step().catch((err: unknown) => process.stdout.write(`  cleanup: ${String(err)}\n`));
  }
}
