// PendingRecords: a lane admitting a message whose outcome record another lane is still writing waits for
// that write (keeping its delivery alive meanwhile) instead of sending the message again; other messages,
// integrations and orgs do not wait; a failed write ends the wait too (the writer reports it).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingRecords } from '../../../src/actors/outbound/pending-records.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

let pending: PendingRecords;
beforeEach(() => {
  vi.useFakeTimers();
  pending = new PendingRecords(1_000);
});
afterEach(() => vi.useRealTimers());

describe('PendingRecords', () => {
  it('makes an admission of the same message wait for the write, keeping its delivery alive', async () => {
    const write = deferred();
    void pending.track('o', 'i', 'm1', write.promise);
    const keepAlive = vi.fn();
    let waited: boolean | undefined;
    void pending.settled('o', 'i', 'm1', keepAlive).then((w) => { waited = w; });
    await vi.advanceTimersByTimeAsync(3_500);
    expect(waited).toBeUndefined();
    expect(keepAlive).toHaveBeenCalledTimes(3);
    write.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(waited).toBe(true);
    expect(pending.size).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(keepAlive).toHaveBeenCalledTimes(3);
  });

  it('does not wait for another message, integration or org', async () => {
    void pending.track('o', 'i', 'm1', new Promise<void>(() => undefined));
    const keepAlive = vi.fn();
    expect(await pending.settled('o', 'i', 'm2', keepAlive)).toBe(false);
    expect(await pending.settled('o', 'j', 'm1', keepAlive)).toBe(false);
    expect(await pending.settled('p', 'i', 'm1', keepAlive)).toBe(false);
    expect(keepAlive).not.toHaveBeenCalled();
  });

  it('ends the wait when the write fails, and hands the failure to the writer only', async () => {
    const write = deferred();
    const writer = pending.track('o', 'i', 'm1', write.promise);
    const waiting = pending.settled('o', 'i', 'm1', () => undefined);
    write.reject(new Error('no ack'));
    await expect(writer).rejects.toThrow('no ack');
    await expect(waiting).resolves.toBe(true);
    expect(pending.size).toBe(0);
  });

  it('waits for a second write of the same message registered while it waited', async () => {
    const first = deferred();
    const second = deferred();
    void pending.track('o', 'i', 'm1', first.promise);
    let done = false;
    void pending.settled('o', 'i', 'm1', () => undefined).then(() => { done = true; });
    void pending.track('o', 'i', 'm1', second.promise);
    first.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    second.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('says a record finished after a given moment, so a lookup that overlapped the write looks again', async () => {
    const write = deferred();
    const before = performance.now();
    void pending.track('o', 'i', 'm1', write.promise);
    expect(pending.has('o', 'i', 'm1')).toBe(true);
    write.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.has('o', 'i', 'm1')).toBe(false);
    expect(pending.has('o', 'i', 'm1', before)).toBe(true);
    expect(pending.has('o', 'i', 'm1', performance.now() + 1)).toBe(false);
  });
});
