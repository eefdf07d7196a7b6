// Faults under load, CI-sized (issue 11 §3; `npm run faults` is the full script): a low steady MT rate over
// three integrations through a real engine process, and the short faults in the middle of it; then
// nats-server down for longer than the MT lease while an integration has a backlog. Exactly once
// for every message: a final status each, never two, never two `submitted`. No timing assertions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld } from '../helpers/fault-world.js';
import { formatFigures, runFault, type RunOptions } from '../helpers/fault-run.js';
import { faultCatalogue } from '../helpers/fault-catalogue.js';

const RUN: RunOptions = { warmupMs: 1_000, afterMs: 1_000, drainTimeoutMs: 30_000, lateAfterMs: 10_000 };
const catalogue = faultCatalogue({
  unansweredMs: 2_000, throttledMs: 2_000, natsDownMs: 4_000, engineDownMs: 500, stormMs: 1_000, stormFactor: 10, blackHoleMs: 2_000,
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
      // on the wire twice only where SMPP cannot rule it out: a submit_sm resent after a timeout, and counted
      expect(f.wireDup).toBeLessThanOrEqual(f.resent);
      await world.waitActive();
    }, 90_000);
  }
});

describe('nats-server down longer than the MT lease and the owner fence, with a backlog (CI-sized)', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    // published faster than the integration may send: messages wait in the lane when NATS goes away
    world = await FaultWorld.start({ ratePerSecond: 50, integrations: 1, engineEnv: { BYO_RATE_LIMIT_OVERRIDE_MPS: '15' } });
  }, 90_000);
  afterAll(async () => world?.close(), 60_000);

  // The outage outlasts the owner fence (4 s): the engine closes the integration's binds and its lane,
  // whose submitted-but-unrecorded messages are redelivered to the next lane before their record lands.
  // That lane must wait for the record (PendingRecords), not submit them again: without it ~50 of ~280
  // messages reached the SMSC twice, uncounted (statuses stayed exactly-once).
  it('submits no message twice across a nats-server outage longer than the lease and the owner fence', async () => {
    // the lease (BYO_MT_ACK_WAIT_MS, 3 s here) runs out during the 4 s outage
    const f = await runFault(world, fault('nats-restart'), { ...RUN, warmupMs: 1_500, afterMs: 0, drainTimeoutMs: 45_000 });
    console.log(formatFigures(f, RUN.lateAfterMs));
    expect(f.lostIds).toEqual([]);
    expect(f.duplicatedIds).toEqual([]);
    expect(f.final).toBe(f.published);
    expect(f.wireDup).toBeLessThanOrEqual(f.resent);
  }, 120_000);
});
