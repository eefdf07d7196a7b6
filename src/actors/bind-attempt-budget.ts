// The instance-wide bind-attempt budget (BYO_BIND_ATTEMPTS_PER_SECOND). An engine restart with
// hundreds of integrations would otherwise open all their binds within a second or two, and several
// SMSCs refuse or lock accounts under such bursts. Every bind attempt (the first, and each after a
// backoff) asks for its turn here; turns are handed out first come, first served, evenly spaced
// (RateLimiter: no burst at start). A failing SMSC cannot starve the others: its binds queue again
// only after their backoff, behind everyone already waiting, so each waiting bind gets a turn before
// any bind gets a second one.
import { fromCallback } from 'xstate';
import { RateLimiter } from '../domain/index.js';
import type { BindEvent } from '../machines/index.js';

interface Waiter { grant: () => void; cancelled: boolean }

export class BindAttemptBudget {
  private readonly limiter: RateLimiter;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly attemptsPerSecond: number, private readonly now: () => number = Date.now) {
    this.limiter = new RateLimiter(attemptsPerSecond);
  }

  /** Calls `grant` when this attempt's turn comes; the returned function withdraws the request. */
  request(grant: () => void): () => void {
    const w: Waiter = { grant, cancelled: false };
    this.queue.push(w);
    this.pump();
    return () => {
      if (w.cancelled) return;
      w.cancelled = true;
      const i = this.queue.indexOf(w);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  /** bind attempts waiting for their turn */
  get waiting(): number {
    return this.queue.length;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.timer) return;
    while (this.queue.length > 0) {
      const now = this.now();
      const waitMs = this.limiter.waitMs(now);
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, waitMs);
        this.timer.unref();
        return;
      }
      this.limiter.take(now);
      const w = this.queue.shift()!;
      w.cancelled = true;
      w.grant();
    }
  }
}

/** The bind machine's `bindAttemptPermit` actor over a budget: leaving the wait withdraws the request. */
export function bindAttemptPermitLogic(budget: BindAttemptBudget) {
  return fromCallback<BindEvent, { index: number }>(({ sendBack }) => budget.request(() => sendBack({ type: 'bind.attempt_granted' })));
}
