// Outstanding requests by sequence_number, each with its own response timer (cloudhopper's window).
// Responses may arrive in any order; a late response after its timeout finds nothing and is dropped.
import { MAX_SEQUENCE_NUMBER } from './constants.js';
import { ResponseTimeoutError, type SmppError } from './types.js';

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
  timer: NodeJS.Timeout;
}

export class RequestWindow {
  private readonly pending = new Map<number, Entry>();
  private nextSeq = 1;
  private windowedCount = 0;

  constructor(private readonly onTimeout: (seq: number, req: PendingRequest) => void) {}

  /** 1..0x7FFFFFFF, wrapping, skipping any still outstanding */
  allocate(): number {
    for (;;) {
      const seq = this.nextSeq;
      this.nextSeq = seq >= MAX_SEQUENCE_NUMBER ? 1 : seq + 1;
      if (!this.pending.has(seq)) return seq;
    }
  }

  add(seq: number, req: PendingRequest, timeoutMs: number): void {
    const timer = setTimeout(() => {
      const taken = this.take(seq);
      if (!taken) return;
      taken.fail(new ResponseTimeoutError(taken.command, timeoutMs));
      this.onTimeout(seq, taken);
    }, timeoutMs);
    this.pending.set(seq, { req, timer });
    if (req.windowed) this.windowedCount++;
  }

  /** removes and returns the request for a response, clearing its timer */
  take(seq: number): PendingRequest | undefined {
    const entry = this.pending.get(seq);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(seq);
    if (entry.req.windowed) this.windowedCount--;
    return entry.req;
  }

  failAll(err: () => SmppError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.windowedCount = 0;
    for (const e of entries) {
      clearTimeout(e.timer);
      e.req.fail(err());
    }
  }

  get size(): number {
    return this.pending.size;
  }

  get windowed(): number {
    return this.windowedCount;
  }
}
