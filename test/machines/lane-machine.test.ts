import { describe, expect, it } from 'vitest';
import { COMMAND_STATUS } from '../../src/domain/index.js';
import { RATE_WINDOW_MS } from '../../src/domain/rate-limiter.js';
import { LANE_TIMERS, startLane } from './lane-harness.js';

const THROTTLED = COMMAND_STATUS.ESME_RTHROTTLED;

describe('lane machine (simulated clock)', () => {
  it('waits for a bind: no consumer until the integration is active, then consumes and sends', () => {
    const lane = startLane();
    expect(lane.value()).toBe('waitingForBind');
    expect(lane.consumer.running).toBe(0);
    lane.actor.send({ type: 'lane.active' });
    expect(lane.value()).toEqual({ consuming: 'ready' });
    expect(lane.consumer.running).toBe(1);
    // every window full: the segment waits in the queue, no state change; a window opening pumps again
    for (const s of lane.sessions) s!.writable = false;
    lane.add('m1');
    expect(lane.sent).toHaveLength(0);
    expect(lane.value()).toEqual({ consuming: 'ready' });
    lane.sessions[1]!.writable = true;
    lane.pump();
    expect(lane.sent.map((s) => [s.msg, s.bind])).toEqual([['m1', 1]]);
  });

  it('spreads segments round-robin over the writable binds', () => {
    const lane = startLane();
    lane.actor.send({ type: 'lane.active' });
    lane.sessions[1] = undefined;
    for (let i = 0; i < 4; i++) lane.add(`m${i}`);
    expect(lane.sent.map((s) => s.bind)).toEqual([0, 2, 0, 2]);
  });

  it('paces: never more than messagesPerSecond in any 1 s window, and keeps going', () => {
    const mps = 10;
    const lane = startLane({ mps });
    lane.actor.send({ type: 'lane.active' });
    for (let i = 0; i < 60; i++) lane.add(`m${i}`, i % 3 === 0 ? 2 : 1);
    expect(lane.value()).toEqual({ consuming: 'pacing' });
    const steps = lane.steps.count;
    const timers = lane.timers.set;
    lane.advance(5_000);
    // the pacing delay is the limiter's wait: one wake-up per send, not a poll; and no machine step per send
    expect(lane.timers.set - timers).toBeLessThanOrEqual(lane.sent.length);
    expect(lane.steps.count - steps).toBe(0);
    const times = lane.sent.map((s) => s.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + RATE_WINDOW_MS).length).toBeLessThanOrEqual(mps);
    // ~10/s for 5 s (the limiter keeps a 1% jitter margin)
    expect(lane.sent.length).toBeGreaterThanOrEqual(49);
    // answers do not open the limiter
    for (const s of lane.sent) lane.answer(s);
    const before = lane.sent.length;
    lane.advance(1_000);
    expect(lane.sent.length - before).toBeLessThanOrEqual(mps);
    expect(lane.sent.length - before).toBeGreaterThanOrEqual(mps - 1);
  });

  it('pauses for the throttle back-off on ESME_RTHROTTLED, doubling while it repeats, then resumes', () => {
    const lane = startLane();
    lane.actor.send({ type: 'lane.active' });
    lane.add('a'); lane.add('b'); lane.add('c');
    const [a, b, c] = lane.sent;
    lane.answer(a!);
    lane.answer(c!);
    lane.answer(b!, THROTTLED);
    expect(lane.value()).toEqual({ consuming: 'pausedThrottled' });
    lane.add('d');
    expect(lane.sent).toHaveLength(3);
    lane.advance(LANE_TIMERS.throttleBackoffMs - 1);
    expect(lane.sent).toHaveLength(3);
    lane.advance(1);
    // the throttled segment goes first, then the one that waited
    expect(lane.sent.slice(3).map((s) => s.msg)).toEqual(['b', 'd']);
    expect(lane.value()).toEqual({ consuming: 'ready' });
    lane.answer(lane.sent[3]!, THROTTLED); // the second in a row: twice the pause
    lane.advance(2 * LANE_TIMERS.throttleBackoffMs - 1);
    expect(lane.sent).toHaveLength(5);
    lane.advance(1);
    expect(lane.sent.map((s) => s.msg)).toEqual(['a', 'b', 'c', 'b', 'd', 'b']);
    lane.answer(lane.sent[4]!);
    lane.answer(lane.sent[5]!);
    expect(lane.finished.sort()).toEqual(['a', 'b', 'c', 'd']);
    // an accepted answer ends the run: the next throttle pauses for the base again
    lane.add('e');
    lane.answer(lane.sent[6]!, THROTTLED);
    lane.advance(LANE_TIMERS.throttleBackoffMs);
    expect(lane.sent.map((s) => s.msg).slice(7)).toEqual(['e']);
  });

  it('requests a rebind on ESME_RINVBNDSTS and pauses for the requeue delay', () => {
    const lane = startLane();
    lane.actor.send({ type: 'lane.active' });
    lane.add('a'); lane.add('b');
    lane.answer(lane.sent[1]!, COMMAND_STATUS.ESME_RINVBNDSTS);
    expect(lane.emitted).toEqual([{ type: 'rebind', bind: 1, reason: 'SMSC answered ESME_RINVBNDSTS' }]);
    expect(lane.value()).toEqual({ consuming: 'pausedThrottled' });
    lane.advance(LANE_TIMERS.requeueDelayMs);
    expect(lane.sent.map((s) => s.msg)).toEqual(['a', 'b', 'b']);
    // a late answer while not sending still asks for the rebind
    lane.actor.send({ type: 'lane.inactive' });
    lane.answer(lane.sent[2]!, COMMAND_STATUS.ESME_RINVBNDSTS);
    expect(lane.emitted).toHaveLength(2);
  });

  it('on deactivation stops consuming, hands back messages not started and keeps started ones', () => {
    const lane = startLane({ mps: 1 });
    lane.actor.send({ type: 'lane.active' });
    lane.add('a', 2); lane.add('b'); lane.add('c');
    expect(lane.sent.map((s) => s.msg)).toEqual(['a']);
    lane.actor.send({ type: 'lane.inactive' });
    expect(lane.value()).toBe('waitingForBind');
    expect(lane.consumer.running).toBe(0);
    expect(lane.released.sort()).toEqual(['b', 'c']);
    expect(lane.book.depth()).toEqual({ queuedSegments: 1, openMessages: 1 });
    lane.advance(3_000);
    expect(lane.sent).toHaveLength(1);
    // active again: a new consumer, and the started message finishes
    lane.actor.send({ type: 'lane.active' });
    expect(lane.consumer).toEqual({ running: 1, starts: 2 });
    lane.advance(1_000);
    expect(lane.sent.map((s) => [s.msg, s.index])).toEqual([['a', 0], ['a', 1]]);
  });

  it('drains on stop: hands back what was not started, finishes started messages, then stops', () => {
    const lane = startLane({ mps: 1 });
    lane.actor.send({ type: 'lane.active' });
    lane.actor.send({ type: 'lane.active' });
    lane.add('a', 2); lane.add('b');
    lane.actor.send({ type: 'lane.stop', drainMs: 10_000 });
    expect(lane.value()).toEqual({ draining: 'pacing' });
    expect(lane.consumer.running).toBe(0);
    expect(lane.released).toEqual(['b']);
    // the started message's second segment still goes out, paced
    lane.advance(1_100);
    expect(lane.sent.map((s) => [s.msg, s.index])).toEqual([['a', 0], ['a', 1]]);
    lane.answer(lane.sent[0]!);
    expect(lane.actor.getSnapshot().status).toBe('active');
    lane.answer(lane.sent[1]!);
    expect(lane.finished).toEqual(['a']);
    expect(lane.actor.getSnapshot().status).toBe('done');
  });

  it('drains until the deadline at most, then hands back what has nothing in flight', () => {
    const lane = startLane();
    lane.actor.send({ type: 'lane.active' });
    lane.add('a'); // in flight, never answered
    lane.add('c');
    lane.answer(lane.sent[1]!, THROTTLED); // started, nothing in flight, queued again
    for (const s of lane.sessions) s!.writable = false;
    lane.add('b'); // never started
    const drainMs = 5_000;
    lane.actor.send({ type: 'lane.stop', drainMs });
    expect(lane.released).toEqual(['b']);
    lane.advance(drainMs - 1);
    expect(lane.value()).toEqual({ draining: 'ready' });
    lane.advance(1);
    expect(lane.value()).toBe('stopped');
    expect(lane.actor.getSnapshot().status).toBe('done');
    // `a` is still in flight: its lease runs out and JetStream redelivers it
    expect(lane.released).toEqual(['b', 'c']);
    expect(lane.book.depth()).toEqual({ queuedSegments: 0, openMessages: 0 });
    expect(lane.sent.map((s) => s.msg)).toEqual(['a', 'c']);
  });

  it('stops at once when nothing was started, or when the integration goes inactive while draining', () => {
    const idle = startLane();
    idle.actor.send({ type: 'lane.active' });
    idle.actor.send({ type: 'lane.stop', drainMs: 10_000 });
    expect(idle.value()).toBe('stopped');

    const lane = startLane();
    lane.actor.send({ type: 'lane.active' });
    lane.add('a');
    lane.actor.send({ type: 'lane.stop', drainMs: 10_000 });
    expect(lane.value()).toEqual({ draining: 'ready' });
    lane.actor.send({ type: 'lane.inactive' });
    expect(lane.value()).toBe('stopped');
    // `a` is still in flight: not handed back (its lease runs out and JetStream redelivers it)
    expect(lane.released).toEqual([]);
  });
});
