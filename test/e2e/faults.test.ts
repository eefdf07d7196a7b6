// Faults under load, CI-sized (issue 11 §3; `npm run faults` is the full script): a low steady MT rate over
// three integrations through a real engine process, and the short faults in the middle of it. Exactly once
// for every message: a final status each, never two, never two `submitted`. No timing assertions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld } from '../helpers/fault-world.js';
import { formatFigures, runFault, type RunOptions } from '../helpers/fault-run.js';
import { faultCatalogue } from '../helpers/fault-catalogue.js';

const RUN: RunOptions = { warmupMs: 1_000, afterMs: 1_000, drainTimeoutMs: 30_000, lateAfterMs: 10_000 };
const catalogue = faultCatalogue({
  unansweredMs: 2_000, throttledMs: 2_000, natsDownMs: 2_000, engineDownMs: 500, stormMs: 1_000, stormFactor: 10, blackHoleMs: 2_000,
});
const fault = (name: string) => catalogue.find((f) => f.name === name)!;

describe('faults under load (CI-sized)', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await FaultWorld.start({ ratePerSecond: 30, integrations: 3 });
  }, 90_000);
  afterAll(async () => world?.close(), 60_000);

  for (const name of ['drop-connections', 'throttled', 'black-hole-one']) {
    it(`${name}: every message has exactly one final status`, async () => {
      const f = await runFault(world, fault(name), RUN);
      console.log(formatFigures(f, RUN.lateAfterMs));
      expect(f.published).toBeGreaterThan(0);
      expect(f.lostIds).toEqual([]);
      expect(f.duplicatedIds).toEqual([]);
      expect(f.final).toBe(f.published);
      await world.waitActive();
    }, 90_000);
  }
});
