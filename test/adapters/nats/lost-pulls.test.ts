// LostPulls against a stand-in for nats.js's consume() state (a unit with a test clock; the real
// nats-server 2.9.10 drop is reproduced in mt-consumer.test.ts).
import { describe, expect, it } from 'vitest';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { LostPulls, dropsExpiredPulls } from '../../../src/adapters/nats/index.js';

const MAX = 512;
const EXPIRES = 5_000;
const GRACE = 500;

/** what nats.js's PullConsumerMessagesImpl does with `pending` and `next`, and nothing else */
function fakeConsume() {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let close: () => void = () => undefined;
  const closed = new Promise<void>((r) => { close = r; });
  const pulls: number[] = [];
  const m = {
    pending: { msgs: 0 },
    pullOptions: () => ({ batch: MAX - m.pending.msgs }),
    pull(opts: { batch?: number }) {
      m.pending.msgs += opts.batch ?? 0;
      pulls.push(opts.batch ?? 0);
      queue.push({ type: 'next', options: opts });
      wake?.();
    },
    status: () => ({
      async *[Symbol.asyncIterator]() {
        while (!done) {
          if (queue.length === 0) await new Promise<void>((r) => { wake = r; });
          while (queue.length > 0) yield queue.shift();
        }
      },
    }),
    closed: () => closed,
    /** the counting half of pull(); the returned function is its `next` notification */
    countPull(batch: number) {
      m.pending.msgs += batch;
      return () => { queue.push({ type: 'next', options: { batch } }); wake?.(); };
    },
    /** the server delivered n messages */
    deliver(n: number) { m.pending.msgs -= n; },
    /** the server's 408 for a request with `left` messages not delivered, and nats.js pulling again */
    timeout(left: number) { m.pending.msgs -= left; m.pull(m.pullOptions()); },
    stop() { done = true; wake?.(); close(); },
    pulls,
  };
  return m;
}

const settle = () => new Promise((r) => setImmediate(r));

function setUp() {
  let now = 1_000_000;
  const lost: number[] = [];
  const dog = new LostPulls({ graceMs: GRACE, now: () => now });
  const c = fakeConsume();
  c.pull(c.pullOptions()); // consume() pulls before anyone can listen
  const watched = dog.watch(c as unknown as ConsumerMessages, EXPIRES, (n) => lost.push(n));
  return { dog, c, lost, watched, advance: (ms: number) => { now += ms; }, at: () => now };
}

describe('LostPulls', () => {
  it('leaves a consumer alone while every expired pull got its 408', async () => {
    const { dog, c, lost, watched, advance } = setUp();
    expect(watched).toBe(true);
    c.deliver(100);
    advance(EXPIRES);
    c.timeout(MAX - 100); // 408 with 412 left; nats.js pulls 512 again
    await settle();
    for (let i = 0; i < 8; i++) { advance(GRACE / 2); dog.check(); }
    expect(lost).toEqual([]);
    expect(c.pulls).toEqual([MAX, MAX]);
    dog.stop();
  });

  it('re-pulls what a pull dropped without its 408 held, once it is past its expiry by the grace', async () => {
    const { dog, c, lost, advance } = setUp();
    c.deliver(100); // messages flowed, then the server dropped the request silently at its expiry
    advance(EXPIRES + GRACE - 1);
    dog.check(); dog.check();
    expect(lost).toEqual([]); // still within the grace: its 408 may be on its way
    advance(1);
    dog.check();
    expect(lost).toEqual([]); // seen once: acted on only if the next check sees it too
    advance(GRACE / 2);
    dog.check();
    expect(lost).toEqual([MAX - 100]);
    expect(c.pulls).toEqual([MAX, MAX]); // the lost 412 forgotten: a full pull again
    expect(c.pending.msgs).toBe(MAX);
    await settle();
    advance(GRACE); dog.check(); dog.check();
    expect(lost).toHaveLength(1); // the new pull is alive: nothing more to do
    dog.stop();
  });

  it('does not take a pull nats.js has counted but not yet announced for a lost one', async () => {
    const { dog, c, lost, advance } = setUp();
    c.deliver(MAX); // the first pull is used up
    advance(EXPIRES + GRACE + 1);
    const announce = c.countPull(200); // pull() counts at once; its `next` reaches listeners a little later
    dog.check();
    announce();
    await settle();
    advance(GRACE / 2);
    dog.check();
    expect(lost).toEqual([]);
    dog.stop();
  });

  it('stops watching a consumer once it has stopped', async () => {
    const { dog, c } = setUp();
    expect(dog.size).toBe(1);
    c.stop();
    await settle(); await settle();
    expect(dog.size).toBe(0);
  });

  it('declines, and says so once, when nats.js has no pull internals', () => {
    const said: string[] = [];
    const dog = new LostPulls({ graceMs: GRACE, warn: (m) => said.push(m) });
    const bare = { status: () => ({ async *[Symbol.asyncIterator]() { /* nothing */ } }), closed: () => new Promise(() => undefined) };
    expect(dog.watch(bare as unknown as ConsumerMessages, EXPIRES, () => undefined)).toBe(false);
    expect(dog.watch(bare as unknown as ConsumerMessages, EXPIRES, () => undefined)).toBe(false);
    expect(said).toHaveLength(1);
    expect(dog.size).toBe(0);
  });
});

describe('dropsExpiredPulls', () => {
  it('is true before nats-server 2.9.16, which sends the 408 (df282a221)', () => {
    expect(['2.9.10', '2.9.15', '2.8.4'].map(dropsExpiredPulls)).toEqual([true, true, true]);
    expect(['2.9.16', '2.9.25', '2.10.0', '2.11.7', '3.0.0'].map(dropsExpiredPulls)).toEqual([false, false, false, false, false]);
  });
});
