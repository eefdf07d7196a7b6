// The actors' clock (src/actors/coarse-clock.ts): long delays rounded up onto a shared grid, fired
// together by one Node timer per grid point; short ones exact; cancelling works for both.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { CoarseClock } from '../../src/actors/coarse-clock.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_250); // a quarter past a grid point
});
afterEach(() => vi.useRealTimers());

describe('CoarseClock', () => {
  it('fires a long delay at the next grid point, never before it is due, and a short one exactly', () => {
    const clock = new CoarseClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('30s'), 30_000);
    clock.setTimeout(() => fired.push('100ms'), 100);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['100ms']);
    vi.advanceTimersByTime(29_899); // 30 s - 1 ms after it was set
    expect(fired).toEqual(['100ms']);
    vi.advanceTimersByTime(1); // due, but the grid point comes 750 ms later
    expect(fired).toEqual(['100ms']);
    vi.advanceTimersByTime(749);
    expect(fired).toEqual(['100ms']);
    vi.advanceTimersByTime(1); // the grid point: 750 ms after it was due
    expect(fired).toEqual(['100ms', '30s']);
  });

  it('runs every timer due at one grid point from one Node timer, and cancels one without the others', () => {
    const clock = new CoarseClock(1_000);
    const fired: number[] = [];
    const handles = [0, 1, 2, 3].map((i) => {
      vi.advanceTimersByTime(100); // set at different times within one grid step
      return clock.setTimeout(() => fired.push(i), 10_000);
    });
    expect(vi.getTimerCount()).toBe(1);
    clock.clearTimeout(handles[2]);
    expect(clock.pending).toBe(3);
    vi.advanceTimersByTime(10_000); // the last one is due now; the grid point is 350 ms later
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(350);
    expect(fired).toEqual([0, 1, 3]);
    expect(vi.getTimerCount()).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('cancelling the last timer of a grid point cancels its Node timer', () => {
    const clock = new CoarseClock(1_000);
    const h = clock.setTimeout(() => { throw new Error('cancelled timer ran'); }, 6_000);
    clock.clearTimeout(h);
    expect(vi.getTimerCount()).toBe(0);
    clock.clearTimeout(clock.setTimeout(() => { throw new Error('cancelled timer ran'); }, 10));
    vi.advanceTimersByTime(20_000);
  });

  it('one callback throwing does not keep the others of its grid point from running', () => {
    const clock = new CoarseClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => { throw new Error('boom'); }, 6_000);
    clock.setTimeout(() => fired.push('after'), 6_000);
    expect(() => vi.advanceTimersByTime(7_000)).toThrow('boom');
    expect(fired).toEqual(['after']);
  });

  it('runs at most perTurn callbacks of a grid point per event-loop turn, the rest in the next turns', async () => {
    const clock = new CoarseClock(1_000, 2);
    const fired: number[] = [];
    const handles = [0, 1, 2, 3, 4, 5, 6].map((i) => clock.setTimeout(() => fired.push(i), 10_000));
    vi.advanceTimersByTime(10_750);
    expect(fired).toEqual([0, 1]);
    clock.clearTimeout(handles[3]); // cancelled before its turn came: it never runs
    vi.advanceTimersToNextTimer(); // the next turn (setImmediate)
    expect(fired).toEqual([0, 1, 2, 4]);
    vi.advanceTimersToNextTimer();
    expect(fired).toEqual([0, 1, 2, 4, 5, 6]);
    expect(clock.pending).toBe(0);
    vi.advanceTimersToNextTimer(); // a last turn finds nothing left
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a grid of 1 ms is Node timers as they are', () => {
    const clock = new CoarseClock(1);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 30_000);
    vi.advanceTimersByTime(30_000);
    expect(fired).toEqual([1]);
  });

  it('runs an XState machine\'s delayed transitions', () => {
    const machine = createMachine({ initial: 'a', states: { a: { after: { 30_000: 'b' }, on: { go: 'c' } }, b: {}, c: { after: { 6_000: 'a' } } } });
    const actor = createActor(machine, { clock: new CoarseClock(1_000) }).start();
    vi.advanceTimersByTime(30_750);
    expect(actor.getSnapshot().value).toBe('b');
    const again = createActor(machine, { clock: new CoarseClock(1_000) }).start();
    again.send({ type: 'go' }); // leaving `a` cancels its 30 s timer
    vi.advanceTimersByTime(6_750);
    expect(again.getSnapshot().value).toBe('a');
    vi.advanceTimersByTime(29_000);
    expect(again.getSnapshot().value).toBe('a');
    vi.advanceTimersByTime(1_000);
    expect(again.getSnapshot().value).toBe('b');
  });
});
