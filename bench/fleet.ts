// Scale-out cost: the same load over 1, 2 and 3 engines on a 3-node JetStream cluster (R3), on this
// one machine. Prints aggregate delivered msg/s (publish → final status `delivered`, receipts on) and
// engine CPU per message (user + system time of the engine processes from /proc), so the coordination
// overhead (claims, snapshots, liveness reads, hand-overs) shows as more CPU per message.
//
//   npx tsx bench/fleet.ts                     # 1, 2, 3 engines, 30 integrations, 6,000 messages
//   FLEET_BENCH_ENGINES=3 FLEET_BENCH_MESSAGES=3000 npx tsx bench/fleet.ts
//   FLEET_BENCH_ENGINES=1,3,1,3 FLEET_BENCH_RATE=200 npx tsx bench/fleet.ts   # interleaved, paced
//
//   FLEET_BENCH_RATE=<msg/s>   publish at this steady rate (default 0: as fast as 16 concurrent
//                              publishers go). Paced, every engine count runs equally long, so the
//                              fixed cost per second weighs the same; unpaced, a slower (more contended)
//                              run carries more of it per message.
//   FLEET_BENCH_PER_ENGINE=1   weak scaling: integrations, messages, warm-up and rate are per engine, so
//                              N engines carry N times the load of one and each engine's share is the
//                              same as the single engine's. Otherwise (strong scaling) one load is split N
//                              ways, and each engine, carrying a third, batches less per wake-up: its
//                              CPU per message rises whatever the coordination costs.
//   FLEET_BENCH_WARMUP=<n>     messages sent and delivered before anything is measured (default 0), so
//                              each engine's JIT has compiled the message path: a run of a few thousand
//                              messages otherwise counts the compiling once per engine process
//   FLEET_BENCH_IDLE_S=<s>     the no-traffic window measured before the traffic (default 5)
//   FLEET_BENCH_CPU_PROF=<dir> a CPU profile of each engine over the traffic window (or the idle one with
//                              FLEET_BENCH_PROF_WINDOW=idle) in <dir>/<engines>/; summarise with
//                              `npx tsx bench/cpuprofile-summary.ts <dir>/3`. Profiles sample wall time:
//                              on a loaded host, compare the /proc CPU figures, not the profiles' totals.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { startFleet } from '../test/helpers/fleet.js';
import { MtClient } from '../test/helpers/mt-client.js';
import { createIntegrations, type FleetIntegration } from '../test/helpers/fleet-traffic.js';

const COUNTS = (process.env.FLEET_BENCH_ENGINES ?? '1,2,3').split(',').map(Number);
const PER_ENGINE = process.env.FLEET_BENCH_PER_ENGINE === '1';
const MESSAGES_SET = Number(process.env.FLEET_BENCH_MESSAGES ?? 6_000);
const INTEGRATIONS_SET = Number(process.env.FLEET_BENCH_INTEGRATIONS ?? 30);
const RATE_SET = Number(process.env.FLEET_BENCH_RATE ?? 0);
/** the run's load for `engines` engines: as set, or (FLEET_BENCH_PER_ENGINE) that much per engine */
const loadFor = (engines: number) => {
  const k = PER_ENGINE ? engines : 1;
  return { messages: MESSAGES_SET * k, integrations: INTEGRATIONS_SET * k, rate: RATE_SET * k, warmup: WARMUP_SET * k };
};
const IDLE_S = Number(process.env.FLEET_BENCH_IDLE_S ?? 5);
const WARMUP_SET = Number(process.env.FLEET_BENCH_WARMUP ?? 0);
const CLOCK_TICKS_PER_S = 100;
const CPU_PROF_DIR = process.env.FLEET_BENCH_CPU_PROF;
const PROF_WINDOW = process.env.FLEET_BENCH_PROF_WINDOW === 'idle' ? 'idle' : 'traffic';
const PROF_PRELOAD = join(import.meta.dirname, 'cpu-prof-on-signal.mjs');
const CONCURRENT_PUBLISHES = 16;

/** user and system CPU seconds of a process so far */
function cpuTimes(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_S, system: Number(fields[12]) / CLOCK_TICKS_PER_S };
}

/** user + system CPU seconds of a process so far */
function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

/** times the process gave up the CPU waiting for something (each is one wake-up of its event loop or a thread) */
function voluntarySwitches(pid: number): number {
  return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** publishes `count` messages over the integrations (paced at RATE when set); resolves with how many were delivered */
async function traffic(mt: MtClient, integrations: FleetIntegration[], prefix: string, count: number, RATE: number): Promise<number> {
  const t0 = Date.now();
  const ids: { i: FleetIntegration; id: string }[] = [];
  await Promise.all(Array.from({ length: CONCURRENT_PUBLISHES }, async (_, w) => {
    for (let n = w; n < count; n += CONCURRENT_PUBLISHES) {
      // paced: message n is due n/RATE s after the start
      if (RATE > 0) await sleep(t0 + (n * 1000) / RATE - Date.now());
      const i = integrations[n % integrations.length]!;
      const id = `${prefix}-${n}`;
      await mt.publish(i.org, i.id, { id, from: i.sender, to: '+447700900900', text: `bench ${n}` });
      ids.push({ i, id });
    }
  }));
  const delivered = () => ids.filter(({ i, id }) => mt.statuses(i.org, i.id, id).some((s) => s.state === 'delivered')).length;
  const end = Date.now() + 180_000;
  while (delivered() < count && Date.now() < end) await sleep(100);
  return delivered();
}

async function run(engines: number) {
  const { messages: MESSAGES, integrations: INTEGRATIONS, rate: RATE, warmup: WARMUP } = loadFor(engines);
  const profDir = CPU_PROF_DIR ? join(CPU_PROF_DIR, String(engines)) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const fleet = await startFleet({
    engines, smsc: { autoDlr: true, recordSubmits: false },
    env: { BYO_RATE_LIMIT_OVERRIDE_MPS: '10000', LOG_LEVEL: 'info', ...(profDir ? { BYO_BENCH_CPU_PROF_DIR: profDir } : {}) },
    ...(profDir ? { nodeArgs: ['--import', PROF_PRELOAD] } : {}),
  });
  /** starts, then stops and writes, each engine's CPU profile (no-op without FLEET_BENCH_CPU_PROF) */
  const profileSignal = (window: 'idle' | 'traffic') => {
    if (profDir && window === PROF_WINDOW) for (const e of fleet.engines) e.child.kill('SIGUSR2');
  };
  const mt = await MtClient.connect(fleet.cluster.nodes[0]!.url);
  try {
    const integrations: FleetIntegration[] = await createIntegrations(fleet.engines[0]!, fleet.smsc.port, INTEGRATIONS);
    // every integration bound (by whichever engine owns it) and the spread settled
    const deadline = Date.now() + 60_000;
    const bound = () => new Set(fleet.smsc.connectionList().filter((c) => c.bound).map((c) => c.systemId)).size;
    while (bound() < INTEGRATIONS && Date.now() < deadline) await sleep(100);
    const pids = fleet.engines.map((e) => e.child.pid!);
    if (WARMUP > 0) await traffic(mt, integrations, `w${engines}`, WARMUP, RATE);
    // the fixed cost: engine CPU over IDLE_S of owning the integrations with no traffic
    profileSignal('idle');
    const idle0 = pids.map(cpuSeconds);
    await sleep(IDLE_S * 1000);
    const idleCpu = pids.map((p, k) => cpuSeconds(p) - idle0[k]!);
    profileSignal('idle');
    if (profDir && PROF_WINDOW === 'idle') await sleep(2_000); // the profiles are written
    profileSignal('traffic');
    const jsm = await jetstreamManager(mt.nc);
    /** writes to the coordination buckets so far (their streams' last sequence) */
    const kvWrites = async () => Promise.all(['KV_byo_state', 'KV_byo_leases', 'KV_byo_claims'].map(async (st) => (await jsm.streams.info(st)).state.last_seq));
    const kv0 = await kvWrites();
    const cpu0 = pids.map(cpuSeconds);
    const system0 = sum(pids.map((p) => cpuTimes(p).system));
    const switches0 = pids.map(voluntarySwitches);
    const t0 = Date.now();
    const done = await traffic(mt, integrations, `b${engines}`, MESSAGES, RATE);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = pids.map((p, k) => cpuSeconds(p) - cpu0[k]!);
    const system = sum(pids.map((p) => cpuTimes(p).system)) - system0;
    const kvPerS = (await kvWrites()).map((v, k) => (v - kv0[k]!) / seconds);
    const switches = pids.map((p, k) => voluntarySwitches(p) - switches0[k]!);
    profileSignal('traffic');
    if (profDir && PROF_WINDOW === 'traffic') await sleep(2_000);
    const count = (re: RegExp) => fleet.engines.reduce((k, e) => k + (e.logs().match(re)?.length ?? 0), 0);
    const cpuTotal = sum(cpu);
    const idlePerS = sum(idleCpu) / IDLE_S;
    return {
      engines, messages: MESSAGES, delivered: done, seconds, msgPerS: done / seconds, cpuTotal, cpu, idlePerS, idleCpu,
      usPerMsg: (cpuTotal * 1e6) / done, systemUsPerMsg: (system * 1e6) / done,
      usPerMsgAboveIdle: (Math.max(0, cpuTotal - idlePerS * seconds) * 1e6) / done,
      switchesPerMsg: sum(switches) / done, kvPerS,
      handOvers: count(/handing the integration over/g), fences: count(/its owner claim is not confirmed/g),
    };
  } finally {
    await mt.close();
    await fleet.close();
  }
}

const load = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const rows = [];
console.log(`${INTEGRATIONS_SET} integrations, ${MESSAGES_SET} messages per run after ${WARMUP_SET} to warm up, `
  + `${RATE_SET > 0 ? `paced at ${RATE_SET} msg/s` : `${CONCURRENT_PUBLISHES} concurrent publishes`}${PER_ENGINE ? ', all per engine (weak scaling)' : ''}`);
for (const n of COUNTS) {
  const before = load();
  const r = await run(n);
  rows.push(r);
  console.log(`${n} engine(s): ${r.delivered}/${r.messages} delivered in ${r.seconds.toFixed(1)} s = ${r.msgPerS.toFixed(0)} msg/s; `
    + `engine CPU ${r.cpuTotal.toFixed(2)} s (${r.cpu.map((c) => c.toFixed(2)).join(' + ')}) = ${r.usPerMsg.toFixed(0)} µs/msg (system ${r.systemUsPerMsg.toFixed(0)}) `
    + `(${(1e6 / r.usPerMsg).toFixed(0)} msg per CPU-second), ${r.usPerMsgAboveIdle.toFixed(0)} µs/msg above idle; `
    + `idle ${(r.idlePerS * 1000).toFixed(0)} CPU-ms/s in all (${r.idleCpu.map((c) => ((c / IDLE_S) * 1000).toFixed(0)).join(' + ')}); `
    + `${r.switchesPerMsg.toFixed(1)} wake-ups/msg; KV writes/s state ${r.kvPerS[0]!.toFixed(1)} leases ${r.kvPerS[1]!.toFixed(1)} claims ${r.kvPerS[2]!.toFixed(1)}; ${r.handOvers} hand-overs, ${r.fences} fences; load ${before.toFixed(1)}→${load().toFixed(1)}`);
}
const base = rows.filter((r) => r.engines === 1);
if (base.length > 0) {
  const baseUs = sum(base.map((r) => r.usPerMsg)) / base.length;
  const baseAbove = sum(base.map((r) => r.usPerMsgAboveIdle)) / base.length;
  for (const r of rows) {
    console.log(`${r.engines}: CPU per message ${((r.usPerMsg / baseUs - 1) * 100).toFixed(1)}% vs 1 engine `
      + `(per-CPU loss ${((1 - baseUs / r.usPerMsg) * 100).toFixed(1)}%), above idle ${((r.usPerMsgAboveIdle / baseAbove - 1) * 100).toFixed(1)}%`);
  }
}
