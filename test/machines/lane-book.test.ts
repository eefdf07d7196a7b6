import { describe, expect, it } from 'vitest';
import { GENERIC_PERMANENT, type GenericError } from '../../src/domain/index.js';
import { LaneBook, type LaneIo, type LaneJob, type LaneSegment } from '../../src/machines/lane-book.js';
import { prepared, type FakeSession } from './lane-harness.js';

const FAILURE: GenericError = { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'INVALID_DESTINATION', description: 'x' };

function setUp(binds = 2) {
  const book = new LaneBook<string, FakeSession>();
  const sent: LaneSegment<string>[] = [];
  const checked: LaneJob<string>[] = [];
  const io: LaneIo<string, FakeSession> = {
    sessions: Array.from({ length: binds }, (_, bind) => ({ writable: true, bind })),
    submit: (seg) => { sent.push(seg); },
    settleIfDone: (job) => { checked.push(job); },
    release: () => undefined,
  };
  return { book, sent, checked, io, now: () => 0 };
}

describe('lane book', () => {
  it('queues every segment of an admitted message and sends them in order', () => {
    const { book, sent, io, now } = setUp();
    const job = book.admit('m', prepared('m', 3), 0);
    expect(book.depth()).toEqual({ queuedSegments: 3, openMessages: 1 });
    expect(book.pump(now, io)).toBe('idle');
    expect(sent.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(job).toMatchObject({ started: true, inFlight: 3, remaining: 3 });
  });

  it('stops at the rate limit and when no bind is writable', () => {
    const { book, sent, io } = setUp();
    book.setRate(2);
    book.admit('a', prepared('a'), 0);
    book.admit('b', prepared('b'), 0);
    expect(book.pump(() => 0, io)).toBe('wait');
    expect(sent).toHaveLength(1);
    expect(book.waitMs(0)).toBeGreaterThan(0);
    for (const s of io.sessions) (s as { writable: boolean }).writable = false;
    expect(book.pump(() => 10_000, io)).toBe('noBind');
    expect(sent).toHaveLength(1);
  });

  it('finishes a message once every segment is answered, with the SMSC ids in segment order', () => {
    const { book, sent, io, now } = setUp();
    const job = book.admit('m', prepared('m', 2), 0);
    book.pump(now, io);
    expect(book.answer(sent[1]!, 'ok', 'id-1', () => FAILURE)).toBe(0);
    expect(book.finish(job)).toBe(false);
    book.answer(sent[0]!, 'ok', 'id-0', () => FAILURE);
    expect(book.finish(job)).toBe(true);
    expect(job.smscIds).toEqual(['id-0', 'id-1']);
    expect(book.finish(job)).toBe(false); // only once
    expect(book.depth()).toEqual({ queuedSegments: 0, openMessages: 0 });
  });

  it('counts retriable answers in a row and queues the segment again at the front; ok resets the count', () => {
    const { book, sent, io, now } = setUp();
    book.admit('a', prepared('a'), 0);
    book.admit('b', prepared('b'), 0);
    book.pump(now, io);
    expect(book.answer(sent[0]!, 'retry', undefined, () => FAILURE)).toBe(1);
    expect(book.answer(sent[1]!, 'rebind', undefined, () => FAILURE)).toBe(2);
    expect(book.queue.map((s) => s.job.msg)).toEqual(['b', 'a']);
    book.pump(now, io);
    expect(book.answer(sent[2]!, 'ok', 'x', () => FAILURE)).toBe(0);
    expect(book.answer(sent[3]!, 'retry', undefined, () => FAILURE)).toBe(1);
  });

  it('a failed message finishes when nothing is in flight, dropping its queued segments', () => {
    const { book, sent, checked, io } = setUp(1);
    book.setRate(1);
    const job = book.admit('m', prepared('m', 3), 0);
    book.pump(() => 0, io);
    book.answer(sent[0]!, 'permanent', undefined, () => FAILURE);
    expect(job.failure).toBe(FAILURE);
    expect(book.finish(job)).toBe(true);
    expect(book.depth()).toEqual({ queuedSegments: 0, openMessages: 0 });
    // a segment of a failed message still queued when the pump reaches it is not sent
    const other = book.admit('n', prepared('n', 2), 0);
    other.failure = FAILURE;
    book.pump(() => 10_000, io);
    expect(sent).toHaveLength(1);
    expect(checked).toEqual([other, other]);
  });

  it('releases messages not started, and on stop everything with nothing in flight', () => {
    const { book, sent, io } = setUp();
    book.setRate(1);
    book.admit('a', prepared('a', 2), 0);
    book.admit('b', prepared('b'), 0);
    book.pump(() => 0, io);
    expect(book.anyStarted()).toBe(true);
    expect(book.releaseUnstarted().map((j) => j.msg)).toEqual(['b']);
    expect(book.depth()).toEqual({ queuedSegments: 1, openMessages: 1 });
    expect(book.releaseAll()).toEqual([]); // `a` has a segment in flight
    expect(book.depth()).toEqual({ queuedSegments: 0, openMessages: 0 });
    expect(sent).toHaveLength(1);
  });

  it('renews leases only of jobs not renewed within the interval', () => {
    const { book } = setUp();
    const a = book.admit('a', prepared('a'), 0);
    book.admit('b', prepared('b'), 5_000);
    expect(book.leasesDue(10_000, 6_000)).toEqual([a]);
    expect(book.leasesDue(12_000, 6_000).map((j) => j.msg)).toEqual(['b']);
    expect(book.leasesDue(12_000, 6_000)).toEqual([]);
  });

  it('keeps its limiter while the rate is unchanged', () => {
    const { book, io } = setUp();
    book.setRate(1);
    book.admit('a', prepared('a'), 0);
    book.admit('b', prepared('b'), 0);
    book.pump(() => 0, io);
    book.setRate(1);
    expect(book.waitMs(0)).toBeGreaterThan(0);
    book.setRate(0);
    expect(book.waitMs(0)).toBe(0);
    expect(book.messagesPerSecond).toBeUndefined();
  });

  it('finds the open job of a message by its id until it leaves the book, however it leaves', () => {
    const { book, io, now } = setUp();
    const a = book.admit('a1', prepared('a'), 0);
    const b = book.admit('b1', prepared('b'), 0);
    expect(book.openJob('a')).toBe(a);
    expect(book.openJob('b')).toBe(b);
    expect(book.openJob('c')).toBeUndefined();
    // a is sent and answered: finished, it is gone; b, not started, is released
    book.pump(now, io);
    book.answer({ job: a, index: 0 }, 'ok', 'smsc-a', () => FAILURE);
    book.answer({ job: b, index: 0 }, 'ok', 'smsc-b', () => FAILURE);
    expect(book.finish(a)).toBe(true);
    expect(book.openJob('a')).toBeUndefined();
    const c = book.admit('c1', prepared('c'), 0);
    expect(book.releaseUnstarted()).toEqual([c]);
    expect(book.openJob('c')).toBeUndefined();
    expect(book.openJob('b')).toBe(b);
    book.releaseAll();
    expect(book.openJob('b')).toBeUndefined();
  });
});
