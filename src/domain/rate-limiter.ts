// Per-integration send pacing. An SMSC counts submits per second and answers ESME_RTHROTTLED past
// its limit, so a token bucket that starts full and bursts is wrong here. Two rules, both in ms:
//  - spacing: consecutive sends ~1000/mps apart, so the rate is even within every second;
//  - sliding window: never more than mps sends in any 1010 ms (see JITTER_MARGIN_MS), whatever the
//    timer jitter did.
// Pure: time comes in as an argument, so tests drive it without a clock.

export const RATE_WINDOW_MS = 1000;
/**
 * The SMSC counts by its own receive times, which jitter (batched writes, scheduling, the network).
 * We pace and count over a slightly longer window, so jitter up to this much cannot make it see
 * more than the limit in any one of its seconds. Costs 1% of the rate.
 */
export const JITTER_MARGIN_MS = 10;
const WINDOW_MS = RATE_WINDOW_MS + JITTER_MARGIN_MS;
/** timer lateness the spacing may make up for (the sliding window still caps every second) */
export const CATCH_UP_MS = 250;
/** catching up goes at most this much faster than the paced rate: no burst a receiver counts as one */
export const CATCH_UP_SPEEDUP = 4;

export class RateLimiter {
  private readonly sent: number[] = [];
  private head = 0;
  private nextAtMs = -Infinity;
  private lastTakeMs = -Infinity;
  private readonly spacingMs: number;

  constructor(readonly messagesPerSecond: number) {
    if (!Number.isFinite(messagesPerSecond) || messagesPerSecond <= 0) throw new RangeError('messagesPerSecond must be > 0');
    this.spacingMs = WINDOW_MS / messagesPerSecond;
  }

  /** 0 when a send may happen at `nowMs`, else how many ms to wait. */
  waitMs(nowMs: number): number {
    const spacingWait = this.nextAtMs - nowMs;
    const windowWait = this.countInWindow(nowMs) >= this.messagesPerSecond
      ? (this.sent[this.head] as number) + WINDOW_MS - nowMs
      : 0;
    // Spacing may round down (a send up to 1 ms early is within the jitter margin, and a lifted limit
    // must not cost a 1 ms timer per message); the sliding window rounds up and stays exact.
    return Math.max(0, Math.floor(spacingWait), Math.ceil(windowWait));
  }

  /** Records a send at `nowMs` (call only when waitMs(nowMs) was 0). */
  take(nowMs: number): void {
    this.sent.push(nowMs);
    // While pacing continuously, a late timer is made up for (bounded), so the average rate holds on a
    // busy machine; after an idle second there is no credit at all: no burst when traffic resumes.
    const idle = nowMs - this.lastTakeMs >= RATE_WINDOW_MS;
    const base = idle ? nowMs : Math.max(this.nextAtMs, nowMs - CATCH_UP_MS);
    this.nextAtMs = Math.max(base + this.spacingMs, nowMs + this.spacingMs / CATCH_UP_SPEEDUP);
    this.lastTakeMs = nowMs;
    if (this.head > 1024) {
      this.sent.splice(0, this.head);
      this.head = 0;
    }
  }

  private countInWindow(nowMs: number): number {
    while (this.head < this.sent.length && (this.sent[this.head] as number) <= nowMs - WINDOW_MS) this.head++;
    return this.sent.length - this.head;
  }
}

/** Consecutive ESME_RTHROTTLED / RMSGQFUL replies double the pause, up to the cap. */
export function throttlePauseMs(consecutive: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(consecutive - 1, 0), 20));
}
