// Keeps a bound link checked (SMPP 3.4 §7.2, enquire_link_timer: the time allowed between operations):
// after `intervalMs` with nothing read from the SMSC, one enquire_link; no enquire_link_resp within
// `timeoutMs`, or a failed request, means the link is lost. Any PDU read counts as an operation, as in
// smpp.twisted (Jasmin): a busy bind is never pinged, and neither is one the SMSC keeps alive itself.
// The bind machine starts it on `bound` and decides what a lost link means (backoff, rebind). It runs
// here rather than as machine states because a machine transition pair per ping was about a third of
// the engine's idle CPU at 9,000 binds (docs/performance.md, "Keep-alives outside the machine").
import { ResponseTimeoutError } from './types.js';

/** setTimeout/clearTimeout: the engine's grid clock (src/actors/coarse-clock.ts), or a simulated one */
export interface KeepAliveClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface KeepAliveOptions {
  intervalMs: number;
  timeoutMs: number;
  clock: KeepAliveClock;
  /** ms, in the same units as `lastHeard` */
  now: () => number;
  /** when the SMSC was last heard from (any PDU), or 0 for never */
  lastHeard: () => number;
  /** sends enquire_link; resolves on its resp, rejects (ResponseTimeoutError after timeoutMs, or why not) */
  ping: (timeoutMs: number) => Promise<unknown>;
  /** called at most once; the keeper is stopped by then */
  onLost: (reason: string) => void;
}

export class KeepAlive {
  private timer: unknown;
  private stopped = false;
  /** the start of the current quiet period: the start, or the last enquire_link_resp */
  private since: number;
  /** enquire_links sent, for tests and the session view */
  pings = 0;

  constructor(private readonly o: KeepAliveOptions) {
    this.since = o.now();
    this.arm(o.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.o.clock.setTimeout(() => this.due(), ms);
  }

  private due(): void {
    this.timer = undefined;
    if (this.stopped) return;
    // one timer per quiet period, checked when it fires, rather than one reset per PDU read
    const quiet = this.o.now() - Math.max(this.since, this.o.lastHeard());
    if (quiet < this.o.intervalMs) return this.arm(this.o.intervalMs - quiet);
    this.pings++;
    this.o.ping(this.o.timeoutMs).then(() => {
      if (this.stopped) return;
      this.since = this.o.now();
      this.arm(this.o.intervalMs);
    }, (err: unknown) => {
      if (this.stopped) return;
      this.stopped = true;
      this.o.onLost(err instanceof ResponseTimeoutError
        ? 'enquire_link_resp timeout'
        : `enquire_link failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
