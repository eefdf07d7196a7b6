// A fixed-seed sample of the fuzz targets (test/fuzz/targets.ts) on every test run; `npm run fuzz`
// runs them with ≥ 100,000 inputs. A failure prints fast-check's shrunk counterexample and its seed.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { TARGETS } from './targets.js';
import { MO_TARGET } from './mo-target.js';

const SEED = 20261204;
const RUNS_PER_WEIGHT = 20;

describe('fuzz sample (fixed seed)', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: nothing escapes', (_name, t) => {
    fc.assert(t.property() as fc.IProperty<unknown>, { seed: SEED, numRuns: t.weight * RUNS_PER_WEIGHT });
  });
});

describe('fuzz sample (fixed seed), async', () => {
  it(`${MO_TARGET.name}: nothing escapes`, async () => {
    await fc.assert(MO_TARGET.property() as fc.IAsyncProperty<unknown>, { seed: SEED, numRuns: 60 });
  });
});
