// Keeps a bound link checked (SMPP 3.4 §7.2, enquire_link_timer: the time allowed between operations):
// after `intervalMs` with nothing read from the SMSC, one enquire_link; no enquire_link_resp within
// `timeoutMs`, or a failed request, means the link is lost. Any PDU read counts as an operation, as in
// smpp.twisted (Jasmin): a busy bind is never pinged, and neither is one the SMSC keeps alive itself.
// The bind machine starts it on `bound` and decides what a lost link means (backoff, rebind). It runs
// here rather than as machine states because a machine transition pair per ping was about a third of
// the engine's idle CPU at 9,000 binds (docs/performance.md, "Keep-alives outside the machine").
// The resp's deadline is a timer on the same clock, not a request-window expiry: no sweep timer and no
// promise per ping (docs/performance.md, "The keep-alive's own deadline").

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
  /** sends enquire_link; `done()` on its resp, `done(err)` if it cannot be sent or fails (a generic_nack, the
   * session closing). Called at most once; no deadline of its own: the keeper times it out. */
  ping: (done: (err?: Error) => void) => void;
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
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.o.onLost(reason);
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
    // one timer at a time: while a ping is out, it is the resp's deadline
    const seq = this.pings;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      this.lost('enquire_link_resp timeout');
    }, this.o.timeoutMs);
    this.o.ping((err) => {
      // an answer after the deadline finds the keeper stopped; a second call, a newer ping
      if (this.stopped || seq !== this.pings) return;
      this.clear();
      if (err) return this.lost(`enquire_link failed: ${err.message}`);
      this.since = this.o.now();
      this.arm(this.o.intervalMs);
    });
  }
}
