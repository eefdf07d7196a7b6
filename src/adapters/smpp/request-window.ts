// Outstanding requests by sequence_number, each with its own expiry (cloudhopper's window).
// Responses may arrive in any order; a late response after its expiry finds nothing and is dropped.
// Expiries are checked by one sweep timer per window rather than a timer per PDU: arming and clearing
// a Node timer per submit_sm showed up at ~7% of the engine's CPU under load (docs/performance.md).
import { MAX_SEQUENCE_NUMBER } from './constants.js';
import { ResponseTimeoutError, type ChangeCounter, type SmppError } from './types.js';

export interface PendingRequest {
  /** wire name of the request, e.g. submit_sm */
  command: string;
  /** command_id the matching response must carry */
  responseId: number;
  /** counts against the submit window (enquire_link and unbind must never wait behind traffic) */
  windowed: boolean;
  /** decodes the response frame and settles the caller's promise */
  complete(frame: Buffer): void;
  fail(err: SmppError): void;
}

interface Entry {
  req: PendingRequest;
  expiresAt: number;
  timeoutMs: number;
}

/** how often expiries are checked: a request times out at most this much after its deadline */
export const EXPIRY_SWEEP_MS = 100;

export class RequestWindow {
  private readonly pending = new Map<number, Entry>();
  private nextSeq = 1;
  private windowedCount = 0;
  /** entries with a deadline of their own: the sweep runs while there are any */
  private timedCount = 0;
  private sweeper: NodeJS.Timeout | undefined;

  /** `windowChanges`: counted whenever the window in use (`windowed`) changes */
  constructor(private readonly onTimeout: (seq: number, req: PendingRequest) => void, private readonly windowChanges?: ChangeCounter) {}

  /** 1..0x7FFFFFFF, wrapping, skipping any still outstanding */
  allocate(): number {
    for (;;) {
      const seq = this.nextSeq;
      this.nextSeq = seq >= MAX_SEQUENCE_NUMBER ? 1 : seq + 1;
      if (!this.pending.has(seq)) return seq;
    }
  }

  /** `timeoutMs` Infinity: no expiry here, the caller keeps the deadline (the keep-alive's enquire_link) */
  add(seq: number, req: PendingRequest, timeoutMs: number): void {
    const timed = Number.isFinite(timeoutMs);
    this.pending.set(seq, { req, expiresAt: timed ? Date.now() + timeoutMs : Infinity, timeoutMs });
    if (req.windowed) this.countWindowed(1);
    if (!timed) return;
    this.timedCount++;
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(EXPIRY_SWEEP_MS, timeoutMs));
      this.sweeper.unref();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [seq, entry] of this.pending) {
      if (entry.expiresAt > now) continue;
      const taken = this.take(seq);
      if (!taken) continue;
      taken.fail(new ResponseTimeoutError(taken.command, entry.timeoutMs));
      this.onTimeout(seq, taken);
    }
    if (this.timedCount === 0) this.stopSweeping();
  }

  private countWindowed(by: number): void {
    this.windowedCount += by;
    if (this.windowChanges) this.windowChanges.changes++;
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** removes and returns the request for a response, clearing its timer */
  take(seq: number): PendingRequest | undefined {
    const entry = this.pending.get(seq);
    if (!entry) return undefined;
    this.pending.delete(seq);
    if (entry.req.windowed) this.countWindowed(-1);
    // a sweep left running with nothing to expire would fire once more, for nothing, 100 ms later
    if (entry.expiresAt !== Infinity && --this.timedCount === 0) this.stopSweeping();
    return entry.req;
  }

  failAll(err: () => SmppError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.timedCount = 0;
    if (this.windowedCount > 0) this.countWindowed(-this.windowedCount);
    this.stopSweeping();
    for (const e of entries) e.req.fail(err());
  }

  get size(): number {
    return this.pending.size;
  }

  get windowed(): number {
    return this.windowedCount;
  }
}
