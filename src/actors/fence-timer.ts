// One timer at the earliest fence time of the claims an instance holds (supervisor.ts). Re-arming it
// by scanning every claim after each new one cost O(n²) over a start-up (3,000 claims: 9 M reads that
// kept the event loop from renewing, and every claim was fenced), so a new claim only moves it earlier.
import type { MonotonicClock } from './ownership.js';

export class FenceTimer {
  private timer: NodeJS.Timeout | undefined;
  /** when it fires (monotonic ms); Infinity: off */
  private at = Infinity;

  constructor(private readonly clock: MonotonicClock, private readonly onDue: () => void) {}

  /** Fires at the earliest of `fenceTimes` (undefined: due now); off when there are none. */
  arm(fenceTimes: Iterable<number | undefined>): void {
    let next = Infinity;
    for (const t of fenceTimes) next = Math.min(next, t ?? -Infinity);
    this.set(next);
  }

  /** Fires at `at` (monotonic ms; -Infinity: now); off for Infinity. */
  armAt(at: number): void {
    this.set(at);
  }

  /** A new claim's fence time: moves the timer only if it is earlier. */
  include(fenceTime: number | undefined): void {
    const t = fenceTime ?? -Infinity;
    if (t < this.at) this.set(t);
  }

  stop(): void {
    this.set(Infinity);
  }

  private set(at: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = at;
    if (at === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.at = Infinity;
      this.onDue();
    }, Math.max(0, at - this.clock()));
    this.timer.unref();
  }
}
