import { describe, expect, it } from 'vitest';
import { RateLimiter, throttlePauseMs } from '../../src/domain/rate-limiter.js';

/** Drives a limiter the way the dispatcher does: send when allowed, else sleep (simulated) for waitMs. */
function simulate(mps: number, durationMs: number, timerLatenessMs: (n: number) => number = () => 0): number[] {
  const limiter = new RateLimiter(mps);
  const sends: number[] = [];
  let now = 0;
  let n = 0;
  while (now < durationMs) {
    const wait = limiter.waitMs(now);
    if (wait === 0) {
      limiter.take(now);
      sends.push(now);
    } else {
      now += wait + timerLatenessMs(n++);
    }
  }
  return sends;
}

/** the most sends inside any window of `windowMs` */
const maxInWindow = (sends: number[], windowMs: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < sends.length; i++) {
    while ((sends[i] as number) - (sends[j] as number) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};
const maxInAnySecond = (sends: number[]) => maxInWindow(sends, 1000);

describe('rate limiter (simulated time)', () => {
  it.each([1, 20, 33, 100])('holds %i messages per second within ±5%% over 10 s and never exceeds it in any second', (mps) => {
    const sends = simulate(mps, 10_000);
    expect(sends.length).toBeGreaterThanOrEqual(mps * 10 * 0.95);
    expect(sends.length).toBeLessThanOrEqual(mps * 10 * 1.05);
    expect(maxInAnySecond(sends)).toBeLessThanOrEqual(mps);
  });

  it('does not burst after an idle period (the bucket does not start full)', () => {
    const limiter = new RateLimiter(20);
    limiter.take(0);
    const start = 60_000;
    let now = start;
    const sends: number[] = [];
    while (now < start + 1000) {
      const w = limiter.waitMs(now);
      if (w === 0) { limiter.take(now); sends.push(now); } else now += w;
    }
    expect(sends.length).toBeLessThanOrEqual(20);
    expect((sends[1] as number) - (sends[0] as number)).toBeGreaterThanOrEqual(25);
  });

  it('never sends more than mps in any 1010 ms, leaving 10 ms for the SMSC-side jitter', () => {
    const sends = simulate(40, 10_000, (n) => (n * 7) % 13);
    expect(maxInWindow(sends, 1010)).toBeLessThanOrEqual(40);
  });

  it('keeps the average rate when timers fire late, without exceeding the limit in any second', () => {
    const sends = simulate(50, 10_000, (n) => (n % 3) * 4);
    expect(sends.length).toBeGreaterThanOrEqual(475);
    expect(maxInAnySecond(sends)).toBeLessThanOrEqual(50);
  });

  it('loses no more than a 600 ms stall itself (a GC pause, a busy host), and still never exceeds mps in any 1010 ms', () => {
    const stallAt = 3000;
    let stalled = false;
    const limiter = new RateLimiter(50);
    const sends: number[] = [];
    let now = 0;
    while (now < 10_000) {
      const w = limiter.waitMs(now);
      if (w === 0) { limiter.take(now); sends.push(now); } else now += w;
      if (!stalled && now >= stallAt) { stalled = true; now += 600; }
    }
    // at full rate lost time cannot be made up without exceeding the limit: only the stall is lost
    expect(sends.length).toBeGreaterThanOrEqual(Math.floor(((10_000 - 600) / 1010) * 50));
    expect(maxInWindow(sends, 1010)).toBeLessThanOrEqual(50);
  });

  it('doubles the throttle pause per consecutive THROTTLED, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => throttlePauseMs(n, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 30_000]);
  });
});
