// `npm run fuzz`: every fuzz target (test/fuzz/targets.ts, test/fuzz/mo-target.ts) with FUZZ_RUNS
// inputs in all (default 120,000), split by weight, from FUZZ_SEED (default: random, printed).
// One line per target: inputs, findings, time; a finding prints its shrunk counterexample. Exits 1
// when anything escaped. The fixed-seed sample in npm test is test/fuzz/decoders.test.ts.
import fc from 'fast-check';
import { TARGETS, type FuzzTarget } from '../test/fuzz/targets.js';
import { MO_TARGET } from '../test/fuzz/mo-target.js';

const total = Number(process.env.FUZZ_RUNS ?? 120_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// the async MO target waits on timers per input: a fixed, smaller share
const moRuns = Number(process.env.FUZZ_MO_RUNS ?? 2_000);

async function run(t: FuzzTarget, numRuns: number): Promise<{ runs: number; failed: boolean; ms: number; detail?: string }> {
  const started = performance.now();
  const details = await fc.check(t.property() as fc.IAsyncProperty<unknown>, { seed, numRuns, endOnFailure: false });
  const ms = performance.now() - started;
  return {
    runs: details.numRuns,
    failed: details.failed,
    ms,
    ...(details.failed ? { detail: `${String(details.errorInstance ?? '')}\n  counterexample: ${fc.stringify(details.counterexample)}` } : {}),
  };
}

const weights = TARGETS.reduce((a, t) => a + t.weight, 0);
const plan: [FuzzTarget, number][] = [...TARGETS.map((t): [FuzzTarget, number] => [t, Math.ceil((total * t.weight) / weights)]), [MO_TARGET, moRuns]];
console.log(`fuzz: seed ${seed}, ${plan.reduce((a, [, n]) => a + n, 0)} inputs over ${plan.length} targets`);
let inputs = 0;
let findings = 0;
for (const [t, n] of plan) {
  const r = await run(t, n);
  inputs += r.runs;
  if (r.failed) findings++;
  console.log(`${r.failed ? 'FOUND' : 'ok   '} ${String(r.runs).padStart(7)} inputs ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${t.name}`);
  if (r.detail) console.log(`  ${r.detail}`);
}
console.log(`fuzz: ${inputs} inputs, ${findings} target(s) with findings (seed ${seed})`);
process.exitCode = findings ? 1 : 0;
