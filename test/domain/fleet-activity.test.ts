// What the fleet view counts per integration: messages/s over the rate window, last submit and
// receipt, failure causes over the last hour; counting passes every call on to the wrapped metrics.
import { describe, expect, it } from 'vitest';
import { ACTIVITY_FAILURE_WINDOW_MS, ACTIVITY_RATE_WINDOW_MS, FleetActivity, NO_METRICS, type OutboundMetrics } from '../../src/domain/index.js';

const start = Date.parse('2030-01-02T03:00:00.000Z');

describe('FleetActivity', () => {
  it('counts submits per second over the rate window and remembers the last submit and receipt', () => {
    const clock = { t: start };
    const a = new FleetActivity(() => new Date(clock.t));
    expect(a.activity('acme', 'i1')).toEqual({ messagesPerSecond: 0, lastSubmitAt: null, lastReceiptAt: null, failuresLastHour: {} });
    for (let i = 0; i < 25; i++) a.submitOutcome('acme', 'i1', 'ESME_ROK');
    a.receipt('acme', 'i1');
    expect(a.activity('acme', 'i1')).toMatchObject({ messagesPerSecond: 25 / (ACTIVITY_RATE_WINDOW_MS / 1000), lastSubmitAt: new Date(start).toISOString() });
    expect(a.activity('acme', 'i2').messagesPerSecond).toBe(0);
    clock.t += ACTIVITY_RATE_WINDOW_MS;
    expect(a.activity('acme', 'i1')).toMatchObject({ messagesPerSecond: 0, lastSubmitAt: new Date(start).toISOString(), lastReceiptAt: new Date(start).toISOString() });
  });

  it('counts failure causes over the last hour only', () => {
    const clock = { t: start };
    const a = new FleetActivity(() => new Date(clock.t));
    a.submitOutcome('acme', 'i1', 'ESME_RTHROTTLED');
    clock.t += 30 * 60_000;
    a.submitOutcome('acme', 'i1', 'ESME_RTHROTTLED');
    a.submitOutcome('acme', 'i1', 'timeout');
    expect(a.activity('acme', 'i1').failuresLastHour).toEqual({ ESME_RTHROTTLED: 2, timeout: 1 });
    clock.t = start + ACTIVITY_FAILURE_WINDOW_MS + 60_000;
    expect(a.activity('acme', 'i1').failuresLastHour).toEqual({ ESME_RTHROTTLED: 1, timeout: 1 });
  });

  it('observes a metrics port: counts and passes every call on', () => {
    const calls: string[] = [];
    const inner: OutboundMetrics = {
      ...NO_METRICS, submitOutcome: (o, i, s) => void calls.push(`submit ${o}.${i} ${s}`), deliverSm: (o, i, k) => void calls.push(`deliver ${o}.${i} ${k}`),
    };
    const a = new FleetActivity(() => new Date(start));
    const m = a.observe(inner);
    m.submitOutcome('acme', 'i1', 'ESME_RINVDSTADR');
    m.deliverSm('acme', 'i1', 'receipt');
    m.deliverSm('acme', 'i1', 'mo');
    expect(calls).toEqual(['submit acme.i1 ESME_RINVDSTADR', 'deliver acme.i1 receipt', 'deliver acme.i1 mo']);
    expect(a.activity('acme', 'i1')).toMatchObject({ failuresLastHour: { ESME_RINVDSTADR: 1 }, lastReceiptAt: new Date(start).toISOString() });
  });
});
