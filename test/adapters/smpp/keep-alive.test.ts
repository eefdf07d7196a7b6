// KeepAlive's schedule under a simulated clock: one ping per quiet interval, none while the SMSC talks,
// a lost link on a timeout or a failed request, nothing after stop.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { KeepAlive, ResponseTimeoutError, SessionClosedError } from '../../../src/adapters/smpp/index.js';

const flush = async () => { for (let i = 0; i < 4; i++) await Promise.resolve(); };

function keeper(answer: () => 'ok' | 'timeout' | 'closed' | 'hang' = () => 'ok') {
  const clock = new SimulatedClock();
  let heard = 0;
  const lost: string[] = [];
  const pingsAt: number[] = [];
  const k = new KeepAlive({
    intervalMs: 30_000, timeoutMs: 10_000, clock, now: () => clock.now(), lastHeard: () => heard,
    ping: (timeoutMs) => {
      pingsAt.push(clock.now());
      const a = answer();
      if (a === 'ok') return Promise.resolve();
      if (a === 'closed') return Promise.reject(new SessionClosedError('socket closed'));
      if (a === 'hang') return new Promise(() => undefined);
      return new Promise((_, reject) => clock.setTimeout(() => reject(new ResponseTimeoutError('enquire_link', timeoutMs)), timeoutMs));
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
    const t = keeper(() => 'timeout');
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

    const t = keeper(() => 'timeout');
    await t.advance(30_000);
    t.k.stop();
    await t.advance(60_000);
    expect(t.lost).toEqual([]);
    expect(t.pingsAt).toEqual([30_000]);
  });

  it('keeps one timer at a time', async () => {
    const t = keeper(() => 'hang');
    await t.advance(30_000);
    expect(t.pingsAt).toEqual([30_000]);
    // waiting for a resp that never comes (the session's window times it out): no second ping meanwhile
    await t.advance(120_000);
    expect(t.pingsAt).toEqual([30_000]);
  });
});
