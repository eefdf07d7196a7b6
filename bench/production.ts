// The `production` scenario of bench/outbound.ts: outbound in the shape real deployments have (issue 9).
// Every bind is TLS with the SMSC's certificate verified against a CA, 100 integrations each paced at its
// own messagesPerSecond (100, not lifted), the SMSC sends one DELIVRD receipt per message and a message
// counts once its `delivered` status arrives. One fake SMSC (TLS + receipts, in its own process) serves,
// in this order and in the same run:
//   1. production-raw: the raw `smpp` client, 3 TLS sessions × window, a message done at its receipt;
//   2. production-floor: bench/io-floor-engine.ts in the engine's place (on a nats-server of its own): the
//      engine's NATS and SMPP traffic per message without its logic, the same load → `delivered`;
//   3. production: 20,000 messages round-robin over the 100 integrations, 256 JetStream publishes in
//      flight, publish → `delivered`;
//   4. production-steady: 1,000 msg/s for BENCH_STEADY_SECONDS over the same 100 integrations (10 msg/s
//      each), publish → `submitted`.
// Settings (env): BENCH_PROD_MESSAGES (20000), BENCH_PROD_INTEGRATIONS (100), BENCH_PROD_MPS (100),
// BENCH_PROD_FLOOR (1; 0 skips the floor phase).
import { availableParallelism } from 'node:os';
import { testCertificates } from '../test/helpers/tls-cert.js';
import { CpuMeter, fmt, fmtInt, summarise } from './stats.js';
import { measureLoad } from './measure.js';
import type { Row } from './report.js';
import { MtLoad, type LoadResult } from './mt-load.js';
import { runRawSmpp } from './raw-smpp.js';
import { runIoFloor } from './production-floor.js';
import { Cleanup, createIntegrations, startBenchEngine, startNats, startSmscProcess, until } from './processes.js';

export interface ProductionOptions {
  window: number;
  publishesInFlight: number;
  maxOutstanding: number;
  steadySeconds: number;
  engineEnv: Record<string, string>;
  engine: { cpuProfDir?: string; distDir?: string };
  showEngineLog: boolean;
}

const num = (name: string, def: number): number => {
  const n = Number(process.env[name] || def);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${process.env[name]}"`);
  return n;
};

const BINDS = 3;
const STEADY_RATE = 1_000;
const log = (s: string) => process.stdout.write(`${s}\n`);

function lost(r: LoadResult, expected: number, what: string): string[] {
  const notes: string[] = [];
  if (r.submitted < expected) notes.push(`only ${r.submitted}/${expected} ${what} before the timeout`);
  if (r.publishErrors) notes.push(`${r.publishErrors} publish errors`);
  for (const [state, n] of Object.entries(r.otherStatuses)) notes.push(`${n} ${state}`);
  return notes;
}

/**
 * Where the slowest 1% of a paced run sit: on which integrations (messages go round-robin, message n to
 * integration n mod count) and when (second of the run). A tail on a few integrations is a stalled lane;
 * one spread over all of them in one second is a stalled engine (GC, a long turn).
 */
function slowest(r: LoadResult, integrationCount: number): string {
  const n = r.latencyMs.length;
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(r.latencyMs[i]!)).sort((a, b) => r.latencyMs[b]! - r.latencyMs[a]!);
  const tail = order.slice(0, Math.max(1, Math.floor(n / 100)));
  const tally = (key: (i: number) => number) => {
    const m = new Map<number, number>();
    for (const i of tail) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, c]) => `${k}:${c}`).join(' ');
  };
  const start = r.firstPublishAt;
  // the integration holding most of the tail: its median latency in each second of the run
  const worst = Number(tally((i) => i % integrationCount).split(':')[0]);
  const perSecond: number[][] = [];
  for (let i = worst; i < n; i += integrationCount) {
    if (Number.isNaN(r.latencyMs[i]!)) continue;
    (perSecond[Math.floor((r.publishedAt[i]! - start) / 1000)] ??= []).push(r.latencyMs[i]!);
  }
  const medians = perSecond.map((xs) => (xs ? fmt(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, 0) : '–')).join(' ');
  return `${tail.length} messages, ≥ ${fmt(r.latencyMs[tail.at(-1)!]!, 1)} ms; by integration ${tally((i) => i % integrationCount)}; `
    // the wall-clock start, to line the slow second up with other processes' logs (a GC trace, say)
    + `by second of the run ${tally((i) => Math.floor((r.publishedAt[i]! - start) / 1000))} (second 0 began ${new Date(performance.timeOrigin + start).toISOString()}); `
    + `integration ${worst}'s median ms per second: ${medians}`;
}

/** KB allocated and µs of collection pauses (the main thread's) per message, and the run's major GCs */
const heapText = (gc: NonNullable<Row['gc']>) =>
  `${fmt(gc.allocatedKbPerMessage, 1)} KB allocated and ${fmt(gc.gcUsPerMessage, 1)} µs in GC pauses (${gc.majorGcs} major GCs in the run)`;

/**
 * CPU per delivered message of every process on the machine, and the rate that mix allows with every core
 * busy: the ceiling the engine's own share cannot lift (docs/performance.md, "what the machine can give").
 */
function budget(perMessageUs: Record<string, number>): string {
  const total = Object.values(perMessageUs).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const cores = availableParallelism();
  const others = total - (perMessageUs.engine ?? 0);
  return `CPU per delivered message, all processes: ${fmt(total)} µs (engine ${fmt(perMessageUs.engine ?? Number.NaN)}, the rest ${fmt(others)}); `
    + `with all ${cores} cores busy this mix tops out at ${fmtInt((cores * 1e6) / total)} msg/s, and an engine at 0 µs at ${fmtInt((cores * 1e6) / others)}`;
}

/** nats-server's messages in and out over a run, per message of it (a count, not a speed: compare it across trees) */
function perMessage(before: { in: number; out: number }, after: { in: number; out: number }, messages: number): string {
  return `in ${fmt((after.in - before.in) / messages, 2)}, out ${fmt((after.out - before.out) / messages, 2)}`;
}

export async function production(o: ProductionOptions): Promise<Row[]> {
  const messages = num('BENCH_PROD_MESSAGES', 20_000);
  const integrationCount = num('BENCH_PROD_INTEGRATIONS', 100);
  const mps = num('BENCH_PROD_MPS', 100);
  const warmup = Math.min(2_000, Math.ceil(messages / 10));
  // at mps × integrations msg/s the run takes messages / (mps × integrations) s at best; allow 4× that and 40 s more
  const runTimeoutMs = Math.ceil((messages / (mps * integrationCount)) * 4_000) + 40_000;
  log(`\n▶ production: ${integrationCount} integrations × ${mps} mps over TLS (verified CA), receipts, ${fmtInt(messages)} messages → delivered`);
  const rows: Row[] = [];
  const cleanup = new Cleanup();
  try {
    const certs = testCertificates();
    const tls = { ca: certs.ca, servername: 'localhost' };
    const nats = await startNats();
    cleanup.add(() => nats.stop());
    const smsc = await startSmscProcess({ receipts: true, tls: { key: certs.key, cert: certs.cert } });
    cleanup.add(() => smsc.close());

    // 1. the raw baseline on the same SMSC, before the engine exists
    const rawOptions = { port: smsc.port, sessions: BINDS, window: o.window, preEncoded: false, tls, receipts: true };
    await runRawSmpp({ ...rawOptions, count: warmup, timeoutMs: 15_000 });
    const rawCpu = new CpuMeter({ bench: process.pid, smsc: smsc.pid });
    rawCpu.begin();
    const raw = await runRawSmpp({ ...rawOptions, count: messages, timeoutMs: runTimeoutMs });
    const rawUsage = rawCpu.end();
    rows.push({
      scenario: 'production-raw', messages: raw.done, rate: (raw.done / raw.elapsedMs) * 1000, latency: summarise(raw.latencyMs),
      latencyWhat: 'submit_sm → receipt', cpu: rawUsage, machine: rawCpu.machine(), cpuPerMessageUs: rawCpu.perMessageUs(raw.done),
      notes: [...(raw.done < messages ? [`only ${raw.done} receipts`] : []), ...(raw.failed ? [`${raw.failed} non-OK resp`] : [])],
    });
    log(`  raw smpp over TLS with receipts: ${fmtInt((raw.done / raw.elapsedMs) * 1000)} msg/s`);

    // 2. the I/O floor in the engine's place, same SMSC, same load, a nats-server of its own
    const burst = { publishesInFlight: o.publishesInFlight, maxOutstanding: o.maxOutstanding, until: 'delivered' as const };
    let floorUs: number | undefined;
    if (process.env.BENCH_PROD_FLOOR !== '0') {
      const f = await runIoFloor({
        smscPort: smsc.port, ca: certs.ca, integrations: integrationCount, mps, distDir: o.engine.distDir, smscPid: smsc.pid,
        warm: { ...burst, count: warmup, timeoutMs: 30_000 }, measured: { ...burst, count: messages, timeoutMs: runTimeoutMs },
      });
      floorUs = f.row.cpuPerMessageUs?.engine;
      rows.push({ ...f.row, scenario: 'production-floor', latencyWhat: 'publish → delivered', notes: lost(f.r, messages, 'delivered') });
      log(`  I/O floor (the engine's traffic, no logic): ${fmtInt(f.row.rate)} delivered msg/s; ${budget(f.row.cpuPerMessageUs ?? {}).replace('engine', 'floor')}`);
      log(`  I/O floor, nats-server messages per delivered message: in ${fmt(f.natsPerMessage.in, 2)}, out ${fmt(f.natsPerMessage.out, 2)}`);
      if (f.row.gc) log(`  I/O floor heap: ${heapText(f.row.gc)} per delivered message`);
    }

    // 3. the engine, integrations at their own rate
    const engine = await startBenchEngine(nats.url, smsc.port, o.engineEnv, o.engine);
    cleanup.add(() => engine.stop());
    cleanup.add(async () => {
      const lines = engine.logTail().split('\n').filter((l) => l && (o.showEngineLog || /"level":(40|50|60)/.test(l)));
      if (lines.length) log(`  engine log:\n${lines.slice(-40).map((l) => `    ${l.slice(0, 400)}`).join('\n')}`);
    });
    const t0 = Date.now();
    const integrations = await createIntegrations(engine, smsc.port, integrationCount, mps, tls);
    await until(async () => (await smsc.stats()).bound >= integrationCount * BINDS, `${integrationCount * BINDS} TLS binds up`, 120_000);
    log(`  ${integrationCount} integrations, ${integrationCount * BINDS} TLS binds up in ${Date.now() - t0} ms`);
    const load = await MtLoad.connect(nats.url);
    cleanup.add(() => load.close());
    const warm = await load.run(integrations, { ...burst, count: warmup, timeoutMs: 30_000 });
    if (warm.submitted < warmup) log(`  warm-up: only ${warm.submitted}/${warmup} delivered`);
    const pids = { engine: engine.pid, nats: nats.pid, smsc: smsc.pid, bench: process.pid };
    const natsBefore = await nats.msgCounts();
    const { r, row } = await measureLoad(load, integrations, { ...burst, count: messages, timeoutMs: runTimeoutMs }, pids, engine);
    const natsMsgs = perMessage(natsBefore, await nats.msgCounts(), r.submitted);
    const rate = row.rate;
    rows.push({ ...row, scenario: 'production', latencyWhat: 'publish → delivered', notes: lost(r, messages, 'delivered') });
    log(`  ${fmtInt(rate)} delivered msg/s (${fmt(rate / rows[0]!.rate, 2)} × raw); publishing took ${fmtInt(r.lastPublishAt - r.firstPublishAt)} ms`);
    log(`  nats-server messages per delivered message: ${natsMsgs}`);
    log(`  ${budget(row.cpuPerMessageUs ?? {})}`);
    if (row.gc) log(`  engine heap: ${heapText(row.gc)} per delivered message`);
    const engineUs = row.cpuPerMessageUs?.engine;
    if (floorUs !== undefined && engineUs !== undefined) {
      log(`  engine over its I/O floor: ${fmt(engineUs - floorUs)} µs per delivered message (engine ${fmt(engineUs)}, floor ${fmt(floorUs)}: ${fmt((engineUs / floorUs), 2)} ×)`);
    }

    // 4. steady 1,000 msg/s spread over the same integrations
    const count = STEADY_RATE * o.steadySeconds;
    const paced = { publishesInFlight: 1_000, maxOutstanding: 1e9, ratePerSecond: STEADY_RATE };
    await load.run(integrations, { ...paced, count: STEADY_RATE, timeoutMs: 15_000 });
    const steadyBefore = await nats.msgCounts();
    const steady = await measureLoad(load, integrations, { ...paced, count, timeoutMs: o.steadySeconds * 1000 + 10_000 }, pids, engine);
    const steadyMsgs = perMessage(steadyBefore, await nats.msgCounts(), steady.r.submitted);
    const s = steady.r;
    rows.push({
      ...steady.row, scenario: 'production-steady', latencyWhat: 'publish → submitted',
      notes: [`${integrationCount} integrations × ${fmt(STEADY_RATE / integrationCount)}/s, receipts on`, ...lost(s, count, 'submitted')],
    });
    log(`  steady ${STEADY_RATE}/s: publish → submitted p50 ${fmt(summarise(s.latencyMs).p50, 2)} ms, p99 ${fmt(summarise(s.latencyMs).p99, 2)} ms`);
    log(`  steady, slowest 1%: ${slowest(s, integrationCount)}`);
    log(`  steady, nats-server messages per message: ${steadyMsgs}`);
    if (steady.row.gc) log(`  steady, engine heap: ${heapText(steady.row.gc)} per message`);
  } finally {
    await cleanup.run();
  }
  return rows;
}
