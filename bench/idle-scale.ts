// Idle scale (issue 9): what N integrations, each with its 3 TLS binds (certificate verified against a CA)
// to the fake SMSC, cost the engine when no message flows: RSS, V8 heap, CPU (% of a core), event-loop
// delay, and KB of RSS per idle integration above the engine's own baseline with none.
// Prints figures, asserts nothing. `npx tsx bench/idle-scale.ts`
//
// Settings (env):
//   IDLE_SCALE_COUNTS=1000      integrations per run, comma-separated (e.g. 1000,3000); a fresh stack each
//   IDLE_SCALE_SETTLE_S=10      wait after the last bind before measuring
//   IDLE_SCALE_WINDOW_S=20      idle window CPU is measured over
//   BENCH_ENGINE_DIST=<dir>     run a tsc build of the engine (see docs/performance.md)
//   BENCH_API_TIMEOUT_MS=30000  one admin API call's bound (raise it on a starved host)
//   BENCH_ENGINE_LOG_FILE=<file>  append everything the engine logs to <file>
//   IDLE_SCALE_GC=1             also measure after a full GC in the engine (bench/gc-on-signal.cjs, SIGUSR2):
//                               the live memory per integration, without the creation burst's garbage; 0: off
//   IDLE_SCALE_FLOOR=1          first, the I/O floor idle at each count on the same SMSC (bench/production-floor.ts):
//                               what 3 TLS binds and a pull consumer per integration cost with no engine logic;
//                               IDLE_SCALE_FLOOR_KEEPALIVE_MS=30000: with an enquire_link per bind that often
//   IDLE_SCALE_ENGINE_ENV=K=V,…  extra engine settings, e.g. BYO_MT_PULL_EXPIRES_MS=30000 (to see what a timer costs)
//   BENCH_ENGINE_NODE_OPTIONS=  e.g. "--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/heap", then
//                               kill -USR2 <engine pid> during the idle window for a heap snapshot
// The engine runs with its default enquire_link interval (30 s): that is what idle costs in production.
import { resolve } from 'node:path';
import { testCertificates } from '../test/helpers/tls-cert.js';
import { CpuMeter, fmt, fmtInt, memoryMb, systemSeconds, table } from './stats.js';
import { measureIdleFloor, type IdleFloor } from './production-floor.js';
import { Cleanup, createIntegrations, startBenchEngine, startNats, startSmscProcess, until } from './processes.js';

const log = (s: string) => process.stdout.write(`${s}\n`);
const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be positive numbers, got "${v}"`);
  return n;
};
const COUNTS = (process.env.IDLE_SCALE_COUNTS || '1000').split(',').map((v) => positive('IDLE_SCALE_COUNTS', v.trim()));
const SETTLE_S = positive('IDLE_SCALE_SETTLE_S', process.env.IDLE_SCALE_SETTLE_S || '10');
const WINDOW_S = positive('IDLE_SCALE_WINDOW_S', process.env.IDLE_SCALE_WINDOW_S || '20');
const ENGINE_DIST = process.env.BENCH_ENGINE_DIST ? resolve(process.env.BENCH_ENGINE_DIST) : undefined;
const GC = process.env.IDLE_SCALE_GC !== '0';
const FLOOR = process.env.IDLE_SCALE_FLOOR === '1';
const FLOOR_KEEPALIVE_MS = Number(process.env.IDLE_SCALE_FLOOR_KEEPALIVE_MS || 0) || undefined;
const BINDS = 3;
const EXTRA_ENV: Record<string, string> = Object.fromEntries((process.env.IDLE_SCALE_ENGINE_ENV ?? '').split(',').filter(Boolean).map((kv) => {
  const at = kv.indexOf('=');
  if (at < 1) throw new Error(`IDLE_SCALE_ENGINE_ENV wants K=V pairs, got "${kv}"`);
  return [kv.slice(0, at).trim(), kv.slice(at + 1).trim()];
}));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface IdleRow {
  integrations: number; bindsUpS: number; baseRssMb: number; rssMb: number; heapMb: number; baseHeapMb: number;
  /** of cpuPct, the kernel's share (system calls, page faults) */
  cpuPct: number; sysPct: number; lagP99Ms: number;
  /** nats-server's CPU (% of a core) and the messages it received / sent per second, in the idle window */
  natsCpuPct: number; natsInPerS: number; natsInKbPerS: number; natsOutPerS: number; kbPerIntegration: number; heapKbPerIntegration: number;
  /** per integration, KB: V8 heap reserved (total) and memory outside it that V8 knows of (Buffers, TLS) */
  heapTotalKb: number; externalKb: number;
  /** after a full GC (IDLE_SCALE_GC), per integration above the base after a full GC: KB RSS, KB heap used */
  gcKb?: { rss: number; heap: number };
  floor?: IdleFloor;
}

/** a full GC in the engine (bench/gc-on-signal.cjs), then its metrics and RSS */
async function afterGc(pid: number, metrics: () => Promise<{ heapUsedMb: number }>) {
  process.kill(pid, 'SIGUSR2');
  await sleep(2_000);
  return { heapMb: (await metrics()).heapUsedMb, rssMb: memoryMb(pid).rss };
}

async function one(count: number): Promise<IdleRow> {
  log(`\n▶ ${fmtInt(count)} integrations × ${BINDS} TLS binds, idle`);
  const cleanup = new Cleanup();
  try {
    const certs = testCertificates();
    const nats = await startNats();
    cleanup.add(() => nats.stop());
    const smsc = await startSmscProcess({ tls: { key: certs.key, cert: certs.cert } });
    cleanup.add(() => smsc.close());
    const floor = FLOOR ? await measureIdleFloor({ smscPort: smsc.port, ca: certs.ca, count, settleS: SETTLE_S, windowS: WINDOW_S, distDir: ENGINE_DIST, keepAliveMs: FLOOR_KEEPALIVE_MS }) : undefined;
    if (floor) log(`  I/O floor: ${fmt(floor.kbPerIntegration)} KB RSS and ${fmt(floor.heapKbPerIntegration)} KB heap per integration, ${fmt(floor.cpuPct, 1)}% of a core`);
    const nodeOptions = [GC ? `--expose-gc --require ${resolve(import.meta.dirname, 'gc-on-signal.cjs')}` : '', process.env.BENCH_ENGINE_NODE_OPTIONS ?? '']
      .filter(Boolean).join(' ');
    const engine = await startBenchEngine(nats.url, smsc.port, {
      BYO_ENQUIRE_LINK_INTERVAL_MS: '30000',
      ...EXTRA_ENV,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    }, { distDir: ENGINE_DIST, gcStats: false });
    cleanup.add(() => engine.stop());
    cleanup.add(async () => {
      const lines = engine.logTail().split('\n').filter((l) => /"level":(40|50|60)/.test(l));
      if (lines.length) log(`  engine warnings and errors:\n${lines.slice(-20).map((l) => `    ${l.slice(0, 600)}`).join('\n')}`);
    });
    await sleep(SETTLE_S * 1000);
    const base = await engine.metrics();
    const baseRss = memoryMb(engine.pid).rss;
    const baseGc = GC ? await afterGc(engine.pid, engine.metrics) : undefined;
    const t0 = Date.now();
    await createIntegrations(engine, smsc.port, count, 100, { ca: certs.ca, servername: 'localhost' });
    log(`  created and activated in ${fmt((Date.now() - t0) / 1000, 1)} s`);
    await until(async () => (await smsc.stats()).bound >= count * BINDS, `${count * BINDS} TLS binds up`, 15 * 60_000);
    const bindsUpS = (Date.now() - t0) / 1000;
    log(`  ${fmtInt(count * BINDS)} TLS binds up ${fmt(bindsUpS, 1)} s after the first create`);
    await sleep(SETTLE_S * 1000);
    // prom-client resets its event-loop histogram at each scrape: this one ends the creation burst's
    // figures, so the p99 below is the idle window's own
    await engine.metrics();
    const cpu = new CpuMeter({ engine: engine.pid, nats: nats.pid });
    const msgs0 = await nats.msgCounts();
    cpu.begin();
    const sys0 = systemSeconds(engine.pid, 'system');
    await sleep(WINDOW_S * 1000);
    const usage = cpu.end();
    const sysPct = ((systemSeconds(engine.pid, 'system') - sys0) / WINDOW_S) * 100;
    const msgs1 = await nats.msgCounts();
    const m = await engine.metrics();
    const rss = memoryMb(engine.pid).rss;
    const bound = (await smsc.stats()).bound;
    if (bound < count * BINDS) log(`  note: only ${bound} binds at the end of the idle window`);
    const gc = baseGc ? await afterGc(engine.pid, engine.metrics) : undefined;
    return {
      ...(floor ? { floor } : {}),
      ...(gc && baseGc ? { gcKb: { rss: ((gc.rssMb - baseGc.rssMb) * 1024) / count, heap: ((gc.heapMb - baseGc.heapMb) * 1024) / count } } : {}),
      integrations: count, bindsUpS, baseRssMb: baseRss, rssMb: rss, heapMb: m.heapUsedMb, baseHeapMb: base.heapUsedMb,
      cpuPct: usage.engine!, sysPct, lagP99Ms: m.eventLoopDelayP99Ms,
      natsCpuPct: usage.nats!, natsInPerS: (msgs1.in - msgs0.in) / WINDOW_S, natsInKbPerS: (msgs1.inBytes - msgs0.inBytes) / 1024 / WINDOW_S, natsOutPerS: (msgs1.out - msgs0.out) / WINDOW_S,
      kbPerIntegration: ((rss - baseRss) * 1024) / count, heapKbPerIntegration: ((m.heapUsedMb - base.heapUsedMb) * 1024) / count,
      heapTotalKb: ((m.heapTotalMb - base.heapTotalMb) * 1024) / count, externalKb: ((m.externalMb - base.externalMb) * 1024) / count,
    };
  } finally {
    await cleanup.run();
  }
}

async function main(): Promise<void> {
  const rows: IdleRow[] = [];
  for (const n of COUNTS) {
    try {
      rows.push(await one(n));
    } catch (err) {
      log(`  ${n} integrations failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const every = (name: string, fallback: string) => `${Number(EXTRA_ENV[name] ?? fallback) / 1000} s`;
  const settings = Object.keys(EXTRA_ENV).length ? `; ${Object.entries(EXTRA_ENV).map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
  log(`\nIdle scale (settle ${SETTLE_S} s, CPU over ${WINDOW_S} s, enquire_link every ${every('BYO_ENQUIRE_LINK_INTERVAL_MS', '30000')}${settings})\n`);
  log(table(
    ['integrations', 'TLS binds', 'all bound after s', 'engine RSS MB (none: base)', 'heap MB (base)', 'KB RSS / integration', 'KB heap used / reserved / external per integration', 'CPU % of a core (of it in the kernel)', 'event-loop delay p99 ms (idle window, beyond the 100 ms sampling interval)', 'nats-server CPU %, msgs in / out per s, KB in per s'],
    rows.map((r) => [
      fmtInt(r.integrations), fmtInt(r.integrations * BINDS), fmt(r.bindsUpS, 1), `${fmt(r.rssMb)} (${fmt(r.baseRssMb)})`,
      `${fmt(r.heapMb)} (${fmt(r.baseHeapMb)})`, fmt(r.kbPerIntegration), `${fmt(r.heapKbPerIntegration)} / ${fmt(r.heapTotalKb)} / ${fmt(r.externalKb)}`, `${fmt(r.cpuPct, 1)} (${fmt(r.sysPct, 1)})`, fmt(r.lagP99Ms, 1),
      `${fmt(r.natsCpuPct, 1)}, ${fmtInt(r.natsInPerS)} / ${fmtInt(r.natsOutPerS)}, ${fmtInt(r.natsInKbPerS)}`,
    ]),
  ));
  for (const r of rows) {
    if (r.floor) {
      log(`  ${fmtInt(r.integrations)}, I/O floor (3 TLS binds and a pull consumer per integration, no logic, ${FLOOR_KEEPALIVE_MS ? `an enquire_link per bind every ${FLOOR_KEEPALIVE_MS / 1000} s` : 'no keep-alives'}): ${fmt(r.floor.kbPerIntegration)} KB RSS, `
        + `${fmt(r.floor.heapKbPerIntegration)} KB heap per integration, ${fmt(r.floor.cpuPct, 1)}% of a core; the engine ${fmt(r.kbPerIntegration - r.floor.kbPerIntegration)} KB RSS above it`);
    }
  }
  for (const r of rows) {
    if (r.gcKb) log(`  ${fmtInt(r.integrations)} after a full GC, per integration: ${fmt(r.gcKb.rss)} KB RSS, ${fmt(r.gcKb.heap)} KB heap used`);
  }
  for (const r of rows) {
    log(`  ${fmtInt(r.integrations)}: ≤ 150 KB per idle integration: ${fmt(r.kbPerIntegration)} → ${r.kbPerIntegration <= 150 ? 'met' : 'NOT met'}; ` +
      `< 5% of a core idle: ${fmt(r.cpuPct, 1)} → ${r.cpuPct < 5 ? 'met' : 'NOT met'}`);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`idle-scale failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
