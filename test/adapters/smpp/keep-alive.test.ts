// KeepAlive's schedule under a simulated clock: one ping per quiet interval, none while the SMSC talks,
// a lost link when the resp misses the keeper's own deadline or the request fails, nothing after stop.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { KeepAlive, SessionClosedError } from '../../../src/adapters/smpp/index.js';

const flush = async () => { for (let i = 0; i < 4; i++) await Promise.resolve(); };

/** how the SMSC answers a ping: at once, never, with a failure, or after `ms` */
type Answer = 'ok' | 'silent' | 'closed' | { afterMs: number };

function keeper(answer: () => Answer = () => 'ok') {
  const clock = new SimulatedClock();
  let heard = 0;
  const lost: string[] = [];
  const pingsAt: number[] = [];
  const k = new KeepAlive({
    intervalMs: 30_000, timeoutMs: 10_000, clock, now: () => clock.now(), lastHeard: () => heard,
    ping: (done) => {
      pingsAt.push(clock.now());
      const a = answer();
      if (a === 'ok') queueMicrotask(() => done());
      else if (a === 'closed') queueMicrotask(() => done(new SessionClosedError('socket closed')));
      else if (a !== 'silent') clock.setTimeout(() => done(), a.afterMs);
    },
    onLost: (reason) => lost.push(reason),
  });
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.increment(100);
      await flush();
    }
  };
  return { k, clock, lost, pingsAt, advance, hear: () => { heard = clock.now(); } };
}

describe('KeepAlive', () => {
  it('pings after each quiet interval, counted from the last resp', async () => {
    const t = keeper();
    await t.advance(29_900);
    expect(t.pingsAt).toEqual([]);
    await t.advance(100);
    await t.advance(60_000);
    expect(t.pingsAt).toEqual([30_000, 60_000, 90_000]);
    expect(t.k.pings).toBe(3);
    expect(t.lost).toEqual([]);
  });

  it('counts anything heard from the SMSC as an operation: no ping until 30 s of silence', async () => {
    const t = keeper();
    await t.advance(20_000);
    t.hear();
    await t.advance(20_000); // t = 40 s: the first timer found 10 s of silence and waited the rest
    t.hear();
    await t.advance(29_900);
    expect(t.pingsAt).toEqual([]);
    await t.advance(100);
    expect(t.pingsAt).toEqual([70_000]);
  });

  it('reports a lost link once when the resp does not come in time', async () => {
    const t = keeper(() => 'silent');
    await t.advance(39_900);
    expect(t.lost).toEqual([]);
    await t.advance(100);
    expect(t.lost).toEqual(['enquire_link_resp timeout']);
    await t.advance(120_000);
    expect(t.pingsAt).toEqual([30_000]);
    expect(t.lost).toHaveLength(1);
  });

  it('names the failure when the request fails otherwise', async () => {
    const t = keeper(() => 'closed');
    await t.advance(30_000);
    expect(t.lost).toEqual(['enquire_link failed: session closed: socket closed']);
  });

  it('does nothing after stop: no ping, and a late answer or failure is ignored', async () => {
    const quiet = keeper();
    quiet.k.stop();
    await quiet.advance(120_000);
    expect(quiet.pingsAt).toEqual([]);

    const t = keeper(() => ({ afterMs: 5_000 }));
    await t.advance(30_000);
    t.k.stop();
    await t.advance(60_000);
    expect(t.lost).toEqual([]);
    expect(t.pingsAt).toEqual([30_000]);
  });

  it('keeps one timer at a time: while a ping is out, only its deadline', async () => {
    const t = keeper(() => 'silent');
    await t.advance(30_000);
    expect(t.clock['timeouts'].size).toBe(1);
    await t.advance(120_000);
    expect(t.pingsAt).toEqual([30_000]);
    expect(t.clock['timeouts'].size).toBe(0);
  });

  it('counts the next quiet interval from a late but timely resp, and clears its deadline', async () => {
    const t = keeper(() => ({ afterMs: 9_900 }));
    await t.advance(30_000 + 9_900);
    expect(t.clock['timeouts'].size).toBe(1); // the next interval only, the deadline is gone
    await t.advance(60_000);
    expect(t.pingsAt).toEqual([30_000, 69_900]);
    expect(t.lost).toEqual([]);
  });

  it('ignores a resp after the deadline: the link was already reported lost', async () => {
    const t = keeper(() => ({ afterMs: 12_000 }));
    await t.advance(60_000);
    expect(t.lost).toEqual(['enquire_link_resp timeout']);
    expect(t.pingsAt).toEqual([30_000]);
  });
});
