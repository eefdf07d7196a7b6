// Faults under load (issue 11 §3), `npm run faults`: a steady MT load over several integrations through a
// real engine child process, one fault at a time in the middle of it, one line of figures per fault
// (published, final, lost, duplicated, late, recovery). Loopback only; every phase is bounded.
// Then, on a second world over a three-node JetStream cluster whose SMSCs never resend a refused receipt:
// one node SIGKILLed (FAULTS_CLUSTER=0 skips it).
//
// Environment (defaults in brackets):
//   FAULTS_RATE [500]  total messages per second      FAULTS_INTEGRATIONS [5]
//   FAULTS_WARMUP_S [5]  FAULTS_AFTER_S [5]  FAULTS_DRAIN_S [120]  FAULTS_LATE_S [10]
//   FAULTS_UNANSWERED_S [30]  FAULTS_THROTTLED_S [10]  FAULTS_NATS_DOWN_S [5]  FAULTS_ENGINE_DOWN_S [2]
//   FAULTS_STORM_S [10]  FAULTS_STORM_FACTOR [10]  FAULTS_BLACKHOLE_S [30]
//   FAULTS_NODE_DOWN_S [10]  FAULTS_CLUSTER [1]
//   FAULTS_ONLY  comma-separated fault names (default: all)
import { FaultWorld } from '../test/helpers/fault-world.js';
import { formatFigures, runFault } from '../test/helpers/fault-run.js';
import { clusterFaults, faultCatalogue } from '../test/helpers/fault-catalogue.js';
import type { Fault } from '../test/helpers/fault-run.js';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(raw)}`);
  return v;
};
const s = (name: string, fallback: number) => num(name, fallback) * 1000;

const rate = num('FAULTS_RATE', 500);
const integrations = Math.max(1, Math.round(num('FAULTS_INTEGRATIONS', 5)));
const run = { warmupMs: s('FAULTS_WARMUP_S', 5), afterMs: s('FAULTS_AFTER_S', 5), drainTimeoutMs: s('FAULTS_DRAIN_S', 120), lateAfterMs: s('FAULTS_LATE_S', 10) };
const catalogue = faultCatalogue({
  unansweredMs: s('FAULTS_UNANSWERED_S', 30), throttledMs: s('FAULTS_THROTTLED_S', 10), natsDownMs: s('FAULTS_NATS_DOWN_S', 5),
  engineDownMs: s('FAULTS_ENGINE_DOWN_S', 2), stormMs: s('FAULTS_STORM_S', 10), stormFactor: num('FAULTS_STORM_FACTOR', 10),
  blackHoleMs: s('FAULTS_BLACKHOLE_S', 30),
});
const onCluster = num('FAULTS_CLUSTER', 1) > 0 ? clusterFaults({ natsDownMs: s('FAULTS_NODE_DOWN_S', 10) }) : [];
const only = process.env.FAULTS_ONLY?.split(',').map((x) => x.trim()).filter(Boolean);
const known = [...catalogue, ...onCluster];
const unknown = only?.filter((name) => !known.some((f) => f.name === name)) ?? [];
if (unknown.length) throw new Error(`FAULTS_ONLY: no fault ${unknown.join(', ')}; known: ${known.map((f) => f.name).join(', ')}`);
const pick = (list: Fault[]) => (only ? list.filter((f) => only.includes(f.name)) : list);

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`faults under load: ${rate} msg/s over ${integrations} integrations, warm-up ${run.warmupMs / 1000} s, after ${run.afterMs / 1000} s, drain ≤ ${run.drainTimeoutMs / 1000} s`);
let failed = false;
for (const [faults, cluster] of [[pick(catalogue), false], [pick(onCluster), true]] as const) {
  if (faults.length === 0) continue;
  if (cluster) out('on a three-node JetStream cluster (R3), SMSCs that drop refused receipts:');
  const world = await FaultWorld.start({ ratePerSecond: rate, integrations, cluster, dropRefusedReceipts: cluster });
  try {
    for (const fault of faults) {
      out(`# ${fault.name}: ${fault.what}`);
      const f = await runFault(world, fault, run);
      out(formatFigures(f, run.lateAfterMs));
      if (f.lost || f.duplicated) {
        failed = true;
        out(`  lost: ${f.lostIds.slice(0, 10).join(' ')}${f.lost > 10 ? ' …' : ''}`);
        out(`  duplicated: ${f.duplicatedIds.slice(0, 10).map((id) => `${id}=${JSON.stringify(world.seen.get(id))}`).join(' ')}`);
      }
      // the next fault starts from a bound fleet
      await world.waitActive();
    }
  } finally {
    await world.close();
  }
}
process.exitCode = failed ? 1 : 0;
