// settleMt against a recording stand-in for a JetStream message (a unit: the real server's behaviour
// is covered by test/e2e/unroutable.test.ts).
import { describe, expect, it } from 'vitest';
import { settleMt } from '../../../src/adapters/nats/index.js';

function fakeMsg() {
  const calls: unknown[][] = [];
  return {
    calls, seq: 7,
    ack: () => { calls.push(['ack']); },
    nak: (...a: unknown[]) => { calls.push(['nak', ...a]); },
    term: (...a: unknown[]) => { calls.push(['term', ...a]); },
    working: () => { calls.push(['working']); },
  };
}

describe('settleMt', () => {
  it('terminates a rejected message without a reason on the wire, logging the reason instead', () => {
    const m = fakeMsg();
    const logged: unknown[] = [];
    settleMt(m, { kind: 'rejected', error: { genericErrorCode: 3, genericErrorCause: 'SOURCE_ADDR_INVALID', description: 'bad from' } }, { debug: (o) => logged.push(o) });
    expect(m.calls).toEqual([['term']]);
    expect(logged).toEqual([{ seq: 7, reason: 'SOURCE_ADDR_INVALID: bad from' }]);
  });

  it('naks with the delay of a deferred outcome, and without one when released', () => {
    const deferred = fakeMsg();
    settleMt(deferred, { kind: 'deferred', reason: 'x', delayMs: 1_500 });
    const released = fakeMsg();
    settleMt(released, { kind: 'released' });
    expect([deferred.calls, released.calls]).toEqual([[['nak', 1_500]], [['nak']]]);
  });

  it('acks a recorded message and renews the lease of one in progress, one call each', () => {
    const recorded = fakeMsg();
    settleMt(recorded, { kind: 'recorded' });
    const working = fakeMsg();
    settleMt(working, { kind: 'inProgress' });
    expect([recorded.calls, working.calls]).toEqual([[['ack']], [['working']]]);
  });
});
