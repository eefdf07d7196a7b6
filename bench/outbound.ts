// Outbound benchmark (npm run bench:outbound): messages per second and latency from a JetStream publish
// on byo.mt.<org>.<int> to the `submitted` status, for 1 and 50 integrations against a fake SMSC on
// loopback, printed beside a baseline measured in the same run (the raw `smpp` client pushing the same
// messages with the same window), plus p50/p99 publish → submit_sm at a steady 1,000 messages per second.
// Prints figures, asserts nothing. Each scenario gets a fresh nats-server, fake SMSC and engine process.
//
// Settings (env):
//   BENCH_MESSAGES=30000        messages per throughput scenario (after a warm-up of 10%, at most 3,000)
//   BENCH_WINDOW=10             submit_sm outstanding per bind / raw session (engine: BYO_WINDOW_SIZE)
//   BENCH_MAX_IN_FLIGHT=        engine BYO_MAX_IN_FLIGHT_MESSAGES (unset: the engine's default, 1,000)
//   BENCH_PUBLISHES_IN_FLIGHT=256  JetStream publishes awaiting their ack
//   BENCH_MAX_OUTSTANDING=5000  closed loop: published messages without their `submitted` status yet
//   BENCH_STEADY_SECONDS=10     duration of the steady 1,000 msg/s scenario
//   BENCH_STEADY_INTEGRATIONS=20  integrations sharing those 1,000 msg/s (each at its own 100 mps limit)
//   BENCH_PROD_MESSAGES=20000, BENCH_PROD_INTEGRATIONS=100, BENCH_PROD_MPS=100   the production scenario
//                               (TLS, receipts, rates not lifted; bench/production.ts)
//   BENCH_SCENARIOS=production,raw,raw-buffer,engine-1,engine-50,engine-50x2,engine-50-dlr,steady   which ones to run, in that order
//   BENCH_CPU_PROF=<dir>        run the engine with --cpu-prof, profiles written to <dir> (slows it down);
//                               summarise them with `npx tsx bench/cpuprofile-summary.ts <dir>`
//   BENCH_ENGINE_NODE_OPTIONS=  NODE_OPTIONS for the engine process, e.g. --max-semi-space-size=32
//   BENCH_ENGINE_LOG=1          print the engine's last log lines after each engine scenario
//   BENCH_ENGINE_DIST=<dir>     run a tsc build of the engine, <dir>/src/main.js, instead of tsx src/main.ts;
//                               with --sourceMap its profiles map back to src/*.ts lines (see docs/performance.md)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSimulator } from '../src/simulator/index.js';
import { CpuMeter, fmt, fmtInt, memoryMb, summarise } from './stats.js';
import { report, type Row } from './report.js';
import { MtLoad, indexOfDestination, type LoadResult } from './mt-load.js';
import { runRawSmpp } from './raw-smpp.js';
import { production } from './production.js';
import { measureLoad } from './measure.js';
import {
  Cleanup, createIntegrations, startBenchEngine, startNats, startSmscProcess, until,
  type BenchEngine, type BenchIntegration, type BenchNats,
} from './processes.js';

const num = (name: string, def: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
};

const MESSAGES = num('BENCH_MESSAGES', 30_000);
const WARMUP = Math.min(3_000, Math.ceil(MESSAGES / 10));
const WINDOW = num('BENCH_WINDOW', 10);
const MAX_IN_FLIGHT = process.env.BENCH_MAX_IN_FLIGHT;
const PUBLISHES_IN_FLIGHT = num('BENCH_PUBLISHES_IN_FLIGHT', 256);
const MAX_OUTSTANDING = num('BENCH_MAX_OUTSTANDING', 5_000);
const STEADY_SECONDS = num('BENCH_STEADY_SECONDS', 10);
const STEADY_RATE = 1_000;
/** 20 integrations × 50 msg/s, each under its own 100 mps limit. 10 × 100 would sit exactly at the limit,
 *  which the limiter deliberately paces a little below (its jitter margin): the queue, and so latency, would
 *  grow all run long and measure the margin, not the engine. */
const STEADY_INTEGRATIONS = num('BENCH_STEADY_INTEGRATIONS', 20);
const BINDS = 3;
/** bounds on each measured run and each warm-up, so the whole benchmark stays under 3 minutes on a slow day */
const RUN_TIMEOUT_MS = 40_000;
const WARMUP_TIMEOUT_MS = 15_000;
const ALL_SCENARIOS = ['production', 'raw', 'raw-buffer', 'engine-1', 'engine-50', 'engine-50x2', 'engine-50-dlr', 'steady'] as const;
type ScenarioName = (typeof ALL_SCENARIOS)[number];
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const s of SCENARIOS) if (!(ALL_SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario "${s}" (known: ${ALL_SCENARIOS.join(', ')})`);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const SHOW_ENGINE_LOG = process.env.BENCH_ENGINE_LOG === '1';
const ENGINE_DIST = process.env.BENCH_ENGINE_DIST ? resolve(process.env.BENCH_ENGINE_DIST) : undefined;

const engineEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  BYO_WINDOW_SIZE: String(WINDOW),
  ...(process.env.BENCH_ENGINE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_ENGINE_NODE_OPTIONS } : {}),
  ...(MAX_IN_FLIGHT ? { BYO_MAX_IN_FLIGHT_MESSAGES: MAX_IN_FLIGHT } : {}),
  // BENCH_ENGINE_ENV="BYO_X=1 BYO_Y=2": any engine setting, for an experiment
  ...Object.fromEntries((process.env.BENCH_ENGINE_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => kv.split('=', 2) as [string, string])),
  ...extra,
});

const rows: Row[] = [];
const log = (s: string) => process.stdout.write(`${s}\n`);


async function rawScenario(preEncoded: boolean): Promise<void> {
  const name = preEncoded ? `raw smpp, Buffer text (${BINDS} sessions × window ${WINDOW})` : `raw smpp baseline (${BINDS} sessions × window ${WINDOW})`;
  log(`\n▶ ${name}`);
  const cleanup = new Cleanup();
  try {
    const smsc = await startSmscProcess();
    cleanup.add(() => smsc.close());
    // warm-up: JIT and sockets, as in the engine scenarios
    await runRawSmpp({ port: smsc.port, sessions: BINDS, window: WINDOW, count: WARMUP, preEncoded, timeoutMs: WARMUP_TIMEOUT_MS });
    const cpu = new CpuMeter({ bench: process.pid, smsc: smsc.pid });
    cpu.begin();
    const r = await runRawSmpp({ port: smsc.port, sessions: BINDS, window: WINDOW, count: MESSAGES, preEncoded, timeoutMs: RUN_TIMEOUT_MS });
    const usage = cpu.end();
    const machine = cpu.machine();
    const notes = r.done < MESSAGES ? [`only ${r.done} answered`] : [];
    if (r.failed) notes.push(`${r.failed} non-OK resp`);
    rows.push({
      scenario: preEncoded ? 'raw-buffer' : 'raw', messages: r.done, rate: (r.done / r.elapsedMs) * 1000,
      latency: summarise(r.latencyMs), latencyWhat: 'submit_sm → resp', cpu: usage, machine, cpuPerMessageUs: cpu.perMessageUs(r.done), notes,
    });
    log(`  ${fmtInt((r.done / r.elapsedMs) * 1000)} msg/s`);
  } finally {
    await cleanup.run();
  }
}

interface EngineStack { nats: BenchNats; engine: BenchEngine; integrations: BenchIntegration[]; load: MtLoad; cleanup: Cleanup }

async function engineStack(
  integrationCount: number, smscPort: number, boundNow: () => Promise<number>, env: Record<string, string>, cleanup: Cleanup, nats: BenchNats,
): Promise<EngineStack> {
  const engine = await startBenchEngine(nats.url, smscPort, engineEnv(env), { cpuProfDir: CPU_PROF_DIR, distDir: ENGINE_DIST });
  cleanup.add(() => engine.stop());
  cleanup.add(async () => {
    // the engine's warnings and errors during the scenario (all of its last lines with BENCH_ENGINE_LOG=1)
    const lines = engine.logTail().split('\n').filter((l) => l && (SHOW_ENGINE_LOG || /"level":(40|50|60)/.test(l)));
    if (lines.length) log(`  engine log (${SHOW_ENGINE_LOG ? 'tail' : 'warnings and errors'}):\n${lines.slice(-40).map((l) => `    ${l.slice(0, 400)}`).join('\n')}`);
  });
  const t0 = Date.now();
  const integrations = await createIntegrations(engine, smscPort, integrationCount, 100);
  await until(async () => (await boundNow()) >= integrationCount * BINDS, `${integrationCount * BINDS} binds up`, 60_000);
  log(`  ${integrationCount} integration(s), ${integrationCount * BINDS} binds up in ${Date.now() - t0} ms`);
  const load = await MtLoad.connect(nats.url);
  cleanup.add(() => load.close());
  return { nats, engine, integrations, load, cleanup };
}

function lostNotes(r: LoadResult, expected: number): string[] {
  const notes: string[] = [];
  if (r.submitted < expected) notes.push(`only ${r.submitted}/${expected} submitted before the timeout`);
  if (r.publishErrors) notes.push(`${r.publishErrors} publish errors`);
  for (const [state, n] of Object.entries(r.otherStatuses)) notes.push(`${n} ${state}`);
  return notes;
}

/** A second engine instance on the same NATS: the integrations spread over both (scale-out). */
async function addInstance(first: BenchEngine, nats: BenchNats, smscPort: number, env: Record<string, string>, integrationCount: number,
  cleanup: Cleanup): Promise<BenchEngine> {
  const t0 = Date.now();
  const second = await startBenchEngine(nats.url, smscPort, engineEnv({ ...env, BYO_INSTANCE_ID: 'bench-2' }), { cpuProfDir: CPU_PROF_DIR, distDir: ENGINE_DIST });
  cleanup.add(() => second.stop());
  const owners = async () => {
    const views = (await first.api('GET', '/v1/state')).body.integrations as { instance: string; state: string }[];
    const active = views.filter((v) => v.state === 'active');
    return { total: active.length, second: active.filter((v) => v.instance === 'bench-2').length };
  };
  await until(async () => {
    const o = await owners();
    return o.total === integrationCount && o.second >= integrationCount / 3;
  }, 'integrations spread over two instances', 60_000);
  log(`  second instance took ${(await owners()).second} of ${integrationCount} integrations in ${Date.now() - t0} ms`);
  return second;
}

/** `receipts`: the SMSC sends a receipt per message and a message counts once `delivered` */
async function engineThroughput(integrationCount: number, receipts = false, instances: 1 | 2 = 1): Promise<void> {
  log(`\n▶ engine${instances === 2 ? ' × 2 instances' : ''}, ${integrationCount} integration(s), rate limit lifted, window ${WINDOW}${receipts ? ', until delivered' : ''}`);
  const cleanup = new Cleanup();
  try {
    const nats = await startNats();
    cleanup.add(() => nats.stop());
    const smsc = await startSmscProcess({ receipts });
    cleanup.add(() => smsc.close());
    // two instances: one master key, fast owner renewals so the hand-over is done before the run
    const env: Record<string, string> = {
      BYO_RATE_LIMIT_OVERRIDE_MPS: '1000000',
      ...(instances === 2 ? {
        BYO_MASTER_KEY: randomBytes(32).toString('base64'), BYO_OWNER_RENEW_MS: '500', BYO_OWNER_CLAIM_TTL_MS: '5000', BYO_OWNER_HANDOFFS_PER_RENEW: '50',
      } : {}),
    };
    const { engine, integrations, load } = await engineStack(integrationCount, smsc.port, async () => (await smsc.stats()).bound, env, cleanup, nats);
    const second = instances === 2 ? await addInstance(engine, nats, smsc.port, env, integrationCount, cleanup) : undefined;
    if (second) await until(async () => (await smsc.stats()).bound === integrationCount * BINDS, 'all binds up again', 60_000);
    const options = {
      publishesInFlight: PUBLISHES_IN_FLIGHT, maxOutstanding: MAX_OUTSTANDING, timeoutMs: RUN_TIMEOUT_MS, until: receipts ? 'delivered' as const : 'submitted' as const,
    };
    const warm = await load.run(integrations, { ...options, count: WARMUP, timeoutMs: WARMUP_TIMEOUT_MS });
    if (warm.submitted < WARMUP) log(`  warm-up: only ${warm.submitted}/${WARMUP} submitted`);
    const pids = { engine: engine.pid, ...(second ? { engine2: second.pid } : {}), nats: nats.pid, smsc: smsc.pid, bench: process.pid };
    const { r, row } = await measureLoad(load, integrations, { ...options, count: MESSAGES }, pids, engine);
    const rate = row.rate;
    rows.push({
      ...row, scenario: `engine-${integrationCount}${instances === 2 ? 'x2' : ''}${receipts ? '-dlr' : ''}`,
      latencyWhat: receipts ? 'publish → delivered' : 'publish → submitted', notes: lostNotes(r, MESSAGES),
    });
    log(`  ${fmtInt(rate)} msg/s; publishing took ${fmtInt(r.lastPublishAt - r.firstPublishAt)} ms`);
  } finally {
    await cleanup.run();
  }
}

/**
 * 1,000 msg/s for STEADY_SECONDS spread over STEADY_INTEGRATIONS integrations, their rate limits NOT lifted
 * (messagesPerSecond 100 each): the shape of real traffic. The fake SMSC runs in this process so its
 * submit_sm arrival times share our clock.
 */
async function steady(): Promise<void> {
  const perIntegration = STEADY_RATE / STEADY_INTEGRATIONS;
  log(`\n▶ steady ${STEADY_RATE} msg/s for ${STEADY_SECONDS} s: ${STEADY_INTEGRATIONS} integrations × ${fmt(perIntegration)} msg/s (limit: 100 mps each)`);
  const cleanup = new Cleanup();
  try {
    const nats = await startNats();
    cleanup.add(() => nats.stop());
    const smsc = await startSimulator({ recordSubmits: true });
    cleanup.add(() => smsc.close());
    // stamp each submit_sm as it is read: changed() runs synchronously after every frame
    const count = STEADY_RATE * STEADY_SECONDS;
    const stamps = new Float64Array(count).fill(Number.NaN);
    let armed = false; // after the warm-up
    let seen = 0;
    const changed = smsc.changed.bind(smsc);
    smsc.changed = () => {
      const now = performance.now();
      for (; seen < smsc.submits.length; seen++) {
        const i = indexOfDestination(smsc.submits[seen]!.destination_addr);
        if (armed && i < stamps.length && Number.isNaN(stamps[i]!)) stamps[i] = now;
      }
      if (smsc.submits.length > 50_000) { smsc.submits.length = 0; seen = 0; }
      changed();
    };
    const bound = async () => smsc.connectionList().filter((c) => c.bound).length;
    const { engine, integrations, load } = await engineStack(STEADY_INTEGRATIONS, smsc.port, bound, {}, cleanup, nats);
    const warmCount = STEADY_RATE; // one second at the same rate
    await load.run(integrations, { count: warmCount, publishesInFlight: 1_000, maxOutstanding: 1e9, ratePerSecond: STEADY_RATE, timeoutMs: WARMUP_TIMEOUT_MS });
    armed = true;
    const cpu = new CpuMeter({ engine: engine.pid, nats: nats.pid, bench: process.pid });
    cpu.begin();
    const r = await load.run(integrations, {
      count, publishesInFlight: 1_000, maxOutstanding: 1e9, ratePerSecond: STEADY_RATE, timeoutMs: STEADY_SECONDS * 1000 + 10_000,
    });
    const usage = cpu.end();
    const machine = cpu.machine();
    const writes = cpu.writes().engine! / r.submitted;
    const toSmsc = stamps.map((at, i) => at - r.publishedAt[i]!);
    const m = await engine.metrics().catch(() => undefined);
    const mem = memoryMb(engine.pid);
    rows.push({
      scenario: 'steady', messages: r.submitted, rate: (r.submitted / (r.lastSubmittedAt - r.firstPublishAt)) * 1000,
      latency: summarise(r.latencyMs), latencyWhat: 'publish → submitted', smscLatency: summarise(toSmsc),
      rssMb: m?.rssMb ?? mem.rss, peakRssMb: mem.peakRss, heapMb: m?.heapUsedMb, cpu: { ...usage, smsc: Number.NaN }, machine, cpuPerMessageUs: cpu.perMessageUs(r.submitted), writesPerMessage: writes,
      notes: [`smsc in the bench process`, ...lostNotes(r, count)],
    });
    log(`  publish → submit_sm p50 ${fmt(summarise(toSmsc).p50, 2)} ms, p99 ${fmt(summarise(toSmsc).p99, 2)} ms`);
  } finally {
    await cleanup.run();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true });
  const revision = (() => {
    try {
      return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  })();
  log(`byo-smpp outbound benchmark — tree ${revision}${ENGINE_DIST ? ` (engine from ${ENGINE_DIST})` : ''}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
    `Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const run: Record<ScenarioName, () => Promise<void>> = {
    production: async () => {
      rows.push(...await production({
        window: WINDOW, publishesInFlight: PUBLISHES_IN_FLIGHT, maxOutstanding: MAX_OUTSTANDING, steadySeconds: STEADY_SECONDS,
        engineEnv: engineEnv(), engine: { cpuProfDir: CPU_PROF_DIR, distDir: ENGINE_DIST }, showEngineLog: SHOW_ENGINE_LOG,
      }));
    },
    raw: () => rawScenario(false),
    'raw-buffer': () => rawScenario(true),
    'engine-1': () => engineThroughput(1),
    'engine-50': () => engineThroughput(50),
    'engine-50x2': () => engineThroughput(50, false, 2),
    'engine-50-dlr': () => engineThroughput(50, true),
    steady,
  };
  for (const s of SCENARIOS as ScenarioName[]) {
    try {
      await run[s]();
    } catch (err) {
      log(`  ${s} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  report(rows, { raw: `raw smpp, ${BINDS} sessions (baseline)`, 'raw-buffer': `raw smpp, ${BINDS} sessions, Buffer text`,
    steady: `engine, steady ${STEADY_RATE}/s (${STEADY_INTEGRATIONS} × ${fmt(STEADY_RATE / STEADY_INTEGRATIONS)}/s, limit 100)` },
    `window ${WINDOW}, ${fmtInt(MESSAGES)} messages per throughput scenario, closed loop ≤ ${fmtInt(MAX_OUTSTANDING)} outstanding, ` +
    `${PUBLISHES_IN_FLIGHT} publishes in flight${MAX_IN_FLIGHT ? `, BYO_MAX_IN_FLIGHT_MESSAGES=${MAX_IN_FLIGHT}` : ''}`);
  log(`\nbenchmark took ${fmt((Date.now() - started) / 1000, 1)} s${CPU_PROF_DIR ? `; engine CPU profiles in ${CPU_PROF_DIR}` : ''}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
