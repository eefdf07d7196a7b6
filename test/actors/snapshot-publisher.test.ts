// The state snapshot is rewritten soon after a change, with the writes of a burst bounded to one per debounce.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotPublisher } from '../../src/actors/snapshot-publisher.js';

afterEach(() => vi.useRealTimers());

function publisher(debounceMs = 200) {
  const written: number[] = [];
  const errors: unknown[] = [];
  let fail = false;
  const p = new SnapshotPublisher({
    write: async () => {
      if (fail) throw new Error('kv down');
      written.push(Date.now());
    },
    debounceMs, onError: (err) => errors.push(err),
  });
  return { p, written, errors, failNext: () => { fail = true; } };
}

describe('SnapshotPublisher', () => {
  it('writes once, debounceMs after the first of a burst of changes', async () => {
    vi.useFakeTimers({ now: 0 });
    const { p, written } = publisher(200);
    for (let i = 0; i < 30; i++) p.changed();
    await vi.advanceTimersByTimeAsync(199);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([200]);
    p.changed();
    await vi.advanceTimersByTimeAsync(200);
    expect(written).toEqual([200, 400]);
  });

  it('keeps writes to one per debounceMs under changes that never stop', async () => {
    vi.useFakeTimers({ now: 0 });
    const { p, written } = publisher(200);
    for (let t = 0; t < 10_000; t += 10) {
      p.changed();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(written.length).toBe(50);
    expect(p.writes).toBe(50);
  });

  it('reports a failed write and keeps writing after it; writes nothing once stopped', async () => {
    vi.useFakeTimers({ now: 0 });
    const { p, written, errors, failNext } = publisher(100);
    failNext();
    p.changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(errors).toHaveLength(1);
    await expect(p.now()).rejects.toThrow('kv down');
    await p.stop();
    p.changed();
    await p.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([]);
  });
});
