// The supervisor's fence timer: one timer at the earliest fence time; a new claim only moves it earlier
// (no scan of every claim per new one). Fake timers; the clock is the faked Date.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FenceTimer } from '../../src/actors/fence-timer.js';

beforeEach(() => { vi.useFakeTimers({ now: 0 }); });
afterEach(() => { vi.useRealTimers(); });

function timer() {
  const due: number[] = [];
  const t = new FenceTimer(() => Date.now(), () => due.push(Date.now()));
  return { t, due };
}

describe('FenceTimer', () => {
  it('fires once at the earliest fence time it was armed with', () => {
    const { t, due } = timer();
    t.arm([5_000, 3_000, 4_000]);
    vi.advanceTimersByTime(10_000);
    expect(due).toEqual([3_000]);
  });

  it('is moved earlier by a new claim with an earlier fence, and not later by one with a later fence', () => {
    const { t, due } = timer();
    t.arm([5_000]);
    t.include(6_000);
    t.include(2_000);
    t.include(4_000);
    vi.advanceTimersByTime(10_000);
    expect(due).toEqual([2_000]);
  });

  it('arms on a claim when off, and fires at once for a claim with no lease', () => {
    const { t, due } = timer();
    t.arm([]);
    t.include(1_000);
    vi.advanceTimersByTime(1_500);
    t.include(undefined);
    vi.advanceTimersByTime(0);
    expect(due).toEqual([1_000, 1_500]);
  });

  it('re-arming replaces the timer; stop turns it off', () => {
    const { t, due } = timer();
    t.arm([1_000]);
    t.arm([3_000]);
    vi.advanceTimersByTime(2_000);
    expect(due).toEqual([]);
    t.stop();
    t.include(2_500);
    t.stop();
    vi.advanceTimersByTime(10_000);
    expect(due).toEqual([]);
  });
});
