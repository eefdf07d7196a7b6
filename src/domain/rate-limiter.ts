// Per-integration send pacing. An SMSC counts submits per second and answers ESME_RTHROTTLED past
// its limit, so a token bucket that starts full and bursts is wrong here. Two rules, both in ms:
//  - spacing: consecutive sends at least 1000/mps apart, so the rate is even within every second;
//  - sliding window: never more than mps sends in any 1000 ms, whatever the timer jitter did.
// Pure: time comes in as an argument, so tests drive it without a clock.

export const RATE_WINDOW_MS = 1000;

export class RateLimiter {
  private readonly sent: number[] = [];
  private head = 0;
  private nextAtMs = -Infinity;
  private readonly spacingMs: number;

  constructor(readonly messagesPerSecond: number) {
    if (!Number.isFinite(messagesPerSecond) || messagesPerSecond <= 0) throw new RangeError('messagesPerSecond must be > 0');
    this.spacingMs = RATE_WINDOW_MS / messagesPerSecond;
  }

  /** 0 when a send may happen at `nowMs`, else how many ms to wait. */
  waitMs(nowMs: number): number {
    const spacingWait = this.nextAtMs - nowMs;
    const windowWait = this.countInWindow(nowMs) >= this.messagesPerSecond
      ? (this.sent[this.head] as number) + RATE_WINDOW_MS - nowMs
      : 0;
    return Math.max(0, Math.ceil(Math.max(spacingWait, windowWait)));
  }

  /** Records a send at `nowMs` (call only when waitMs(nowMs) was 0). */
  take(nowMs: number): void {
    this.sent.push(nowMs);
    // Spacing accumulates from the schedule, not from now, so timer lateness does not lower the rate…
    const scheduled = Math.max(this.nextAtMs, nowMs - this.spacingMs);
    // …but a long idle period does not bank credit for a burst either.
    this.nextAtMs = Math.max(scheduled + this.spacingMs, nowMs + this.spacingMs * 0.5);
    if (this.head > 1024) {
      this.sent.splice(0, this.head);
      this.head = 0;
    }
  }

  private countInWindow(nowMs: number): number {
    while (this.head < this.sent.length && (this.sent[this.head] as number) <= nowMs - RATE_WINDOW_MS) this.head++;
    return this.sent.length - this.head;
  }
}

/** Consecutive ESME_RTHROTTLED / RMSGQFUL replies double the pause, up to the cap. */
export function throttlePauseMs(consecutive: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(consecutive - 1, 0), 20));
}
