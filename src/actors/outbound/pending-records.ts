// Outcome records still being written, engine-wide (one per Outbound, shared by every lane).
//
// A lane records a message's outcome (track, `submitted`, references) after its submit_sm_resp and acks
// the JetStream message only then; with NATS away that write is retried until it lands. Meanwhile the
// message's lease can run out, or the owner fence can close the binds and replace the lane: the message
// is redelivered — to the same lane or to the next one — and its tracking lookup finds nothing yet. Sent
// again, the handset gets it twice. So the write is registered here by org/integration/message id, and a
// lane admitting a message whose record is pending waits for that write (keeping its own delivery's lease
// alive), then treats the message as known: replayed, not resubmitted.
//
// (Receipts that overtake such a record are held by RecordSignal.recording, by segment id.)
//
// In-process only: another engine instance that takes the integration over cannot see these writes.
const keyOf = (org: string, integration: string, id: string) => `${org}\u0000${integration}\u0000${id}`;

export class PendingRecords {
  private readonly writes = new Map<string, Promise<unknown>>();
  /** when each recent write finished (monotonic ms), oldest first; kept for one lease (3 × keepAliveMs) */
  private readonly finished = new Map<string, number>();

  /** `keepAliveMs`: how often a waiter's keepAlive runs (a third of the MT lease, as the lanes' own) */
  constructor(private readonly keepAliveMs: number) {}

  /** Registers `write` (the outcome record of message `id`) until it settles; returns it. */
  track<T>(org: string, integration: string, id: string, write: Promise<T>): Promise<T> {
    const key = keyOf(org, integration, id);
    const entry = write.finally(() => {
      if (this.writes.get(key) === entry) this.writes.delete(key);
      const now = performance.now();
      this.finished.delete(key);
      this.finished.set(key, now);
      for (const [k, at] of this.finished) {
        if (now - at < 3 * this.keepAliveMs) break;
        this.finished.delete(k);
      }
    });
    // a failed write is the writer's to report; the waiters only need to know it is over
    entry.catch(() => undefined);
    this.writes.set(key, entry);
    return write;
  }

  /** whether a record of this message is being written now, or finished after `sinceMs` (performance.now) */
  has(org: string, integration: string, id: string, sinceMs = Number.POSITIVE_INFINITY): boolean {
    const key = keyOf(org, integration, id);
    return this.writes.has(key) || (this.finished.get(key) ?? Number.NEGATIVE_INFINITY) >= sinceMs;
  }

  /** how many records are being written (for metrics and tests) */
  get size(): number {
    return this.writes.size;
  }

  /**
   * Waits until no record of this message is being written. `keepAlive` runs every keepAliveMs while
   * waiting (the caller's JetStream delivery: in progress). True when there was one to wait for.
   */
  async settled(org: string, integration: string, id: string, keepAlive: () => void): Promise<boolean> {
    const key = keyOf(org, integration, id);
    let waited = false;
    for (let write = this.writes.get(key); write; write = this.writes.get(key)) {
      waited = true;
      const timer = setInterval(keepAlive, this.keepAliveMs);
      try {
        await write.then(() => undefined, () => undefined);
      } finally {
        clearInterval(timer);
      }
    }
    return waited;
  }
}
