// Receipts that match no known message, by receipt id: when this instance first saw each. Such a receipt
// is refused (the SMSC resends it) for a while, because its message's record may still come (a NATS fault,
// another instance); after BYO_RECEIPT_UNMATCHED_GIVE_UP_MS it is acknowledged, so an SMSC that retries
// does not resend it forever. Bounded: the oldest entries go first.

/** receipt ids remembered at most; each entry is an id and a number */
export const UNMATCHED_RECEIPTS_MAX = 50_000;

export class UnmatchedReceipts {
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly giveUpMs: number, private readonly nowMs: () => number = Date.now) {}

  /** records a sighting; true when this receipt has been unmatched for the give-up time (and forgets it) */
  givenUp(receiptId: string): boolean {
    const now = this.nowMs();
    const since = this.firstSeen.get(receiptId);
    if (since === undefined) {
      this.firstSeen.set(receiptId, now);
      if (this.firstSeen.size > UNMATCHED_RECEIPTS_MAX) this.firstSeen.delete(this.firstSeen.keys().next().value!);
      return this.giveUpMs <= 0;
    }
    if (now - since < this.giveUpMs) return false;
    this.firstSeen.delete(receiptId);
    return true;
  }

  /** it matched after all */
  matched(receiptId: string): void {
    this.firstSeen.delete(receiptId);
  }
}
