// Scale-out cost: the same load over 1, 2 and 3 engines on a 3-node JetStream cluster (R3), on this
// one machine. Prints aggregate delivered msg/s (publish → final status `delivered`, receipts on) and
// messages per engine CPU-second (user + system time of the engine processes from /proc), so the
// coordination overhead (claims, snapshots, hand-overs) shows as a drop in messages per CPU-second.
//
//   npx tsx bench/fleet.ts                     # 1, 2, 3 engines, 30 integrations, 6,000 messages
//   FLEET_BENCH_ENGINES=3 FLEET_BENCH_MESSAGES=3000 npx tsx bench/fleet.ts
import { readFileSync } from 'node:fs';
import { startFleet } from '../test/helpers/fleet.js';
import { MtClient } from '../test/helpers/mt-client.js';
import { createIntegrations, type FleetIntegration } from '../test/helpers/fleet-traffic.js';

const COUNTS = (process.env.FLEET_BENCH_ENGINES ?? '1,2,3').split(',').map(Number);
const MESSAGES = Number(process.env.FLEET_BENCH_MESSAGES ?? 6_000);
const INTEGRATIONS = Number(process.env.FLEET_BENCH_INTEGRATIONS ?? 30);
const CLOCK_TICKS_PER_S = 100;

/** user + system CPU seconds of a process so far */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

async function run(engines: number) {
  const fleet = await startFleet({ engines, smsc: { autoDlr: true, recordSubmits: false }, env: { BYO_RATE_LIMIT_OVERRIDE_MPS: '10000', LOG_LEVEL: 'info' } });
  const mt = await MtClient.connect(fleet.cluster.nodes[0]!.url);
  try {
    const integrations: FleetIntegration[] = await createIntegrations(fleet.engines[0]!, fleet.smsc.port, INTEGRATIONS);
    // every integration bound (by whichever engine owns it) and the spread settled
    const deadline = Date.now() + 60_000;
    const bound = () => new Set(fleet.smsc.connectionList().filter((c) => c.bound).map((c) => c.systemId)).size;
    while (bound() < INTEGRATIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const pids = fleet.engines.map((e) => e.child.pid!);
    // the fixed cost: engine CPU over 5 s of owning the integrations with no traffic
    const idle0 = pids.map(cpuSeconds);
    await new Promise((r) => setTimeout(r, 5_000));
    const idlePerS = pids.reduce((sum, p, k) => sum + (cpuSeconds(p) - idle0[k]!), 0) / 5;
    const cpu0 = pids.map(cpuSeconds);
    const t0 = Date.now();
    const ids: { i: FleetIntegration; id: string }[] = [];
    await Promise.all(Array.from({ length: 16 }, async (_, w) => {
      for (let n = w; n < MESSAGES; n += 16) {
        const i = integrations[n % integrations.length]!;
        const id = `b${engines}-${n}`;
        await mt.publish(i.org, i.id, { id, from: i.sender, to: '+447700900900', text: `bench ${n}` });
        ids.push({ i, id });
      }
    }));
    const delivered = () => ids.filter(({ i, id }) => mt.statuses(i.org, i.id, id).some((s) => s.state === 'delivered')).length;
    const end = Date.now() + 180_000;
    while (delivered() < MESSAGES && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const seconds = (Date.now() - t0) / 1000;
    const cpu = pids.map((p, k) => cpuSeconds(p) - cpu0[k]!);
    const done = delivered();
    const count = (re: RegExp) => fleet.engines.reduce((k, e) => k + (e.logs().match(re)?.length ?? 0), 0);
    const cpuTotal = cpu.reduce((a, b) => a + b, 0);
    return {
      engines, delivered: done, seconds, msgPerS: done / seconds, cpuTotal, perCpuSecond: done / cpuTotal, cpu, idlePerS,
      perBusyCpuSecond: done / Math.max(0.01, cpuTotal - idlePerS * seconds),
      handOvers: count(/handing the integration over/g), fences: count(/its owner claim is not confirmed/g),
    };
  } finally {
    await mt.close();
    await fleet.close();
  }
}

const rows = [];
for (const n of COUNTS) {
  const r = await run(n);
  rows.push(r);
  console.log(`${n} engine(s): ${r.delivered}/${MESSAGES} delivered in ${r.seconds.toFixed(1)} s = ${r.msgPerS.toFixed(0)} msg/s; `
    + `engine CPU ${r.cpuTotal.toFixed(1)} s (${r.cpu.map((c) => c.toFixed(1)).join(' + ')}) = ${r.perCpuSecond.toFixed(0)} msg per CPU-second; `
    + `${r.handOvers} hand-overs and ${r.fences} fences logged since start; idle engines use ${r.idlePerS.toFixed(3)} CPU-s/s in all, `
    + `${r.perBusyCpuSecond.toFixed(0)} msg per CPU-second above idle`);
}
const base = rows.find((r) => r.engines === 1);
if (base) {
  for (const r of rows) {
    console.log(`${r.engines}: msg per CPU-second ${((r.perCpuSecond / base.perCpuSecond - 1) * 100).toFixed(1)}% vs 1 engine, `
      + `above idle ${((r.perBusyCpuSecond / base.perBusyCpuSecond - 1) * 100).toFixed(1)}%`);
  }
}
