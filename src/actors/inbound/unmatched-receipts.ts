// Final receipts that match no message even after the hold are acknowledged (ESME_ROK): asked to retry,
// an SMSC that retries would resend them for ever, and one that does not would drop them anyway. So they
// are not lost silently: each is counted (byo_receipts_unmatched_total) and logged, and the integration
// publishes `integration.receipt_unmatched` at most once per BYO_RECEIPT_UNMATCHED_EVENT_INTERVAL_MS,
// with the latest receipt id and how many there were since the previous event.

export interface UnmatchedReceiptDetail { receiptId: string; count: number; since: string }

export interface UnmatchedReceiptsDeps {
  intervalMs: number;
  nowMs: () => number;
}

export class UnmatchedReceipts {
  private readonly perIntegration = new Map<string, { publishedAt: number; count: number; since: number }>();

  constructor(private readonly d: UnmatchedReceiptsDeps) {}

  /** `publish`: the integration's notice event, called at most once per interval */
  note(org: string, integration: string, receiptId: string, publish: (detail: UnmatchedReceiptDetail) => void): void {
    const key = `${org}\u0000${integration}`;
    const now = this.d.nowMs();
    const seen = this.perIntegration.get(key) ?? { publishedAt: Number.NEGATIVE_INFINITY, count: 0, since: now };
    seen.count++;
    this.perIntegration.set(key, seen);
    if (now - seen.publishedAt < this.d.intervalMs) return;
    publish({ receiptId, count: seen.count, since: new Date(seen.since).toISOString() });
    this.perIntegration.set(key, { publishedAt: now, count: 0, since: now });
  }

  /** an integration no longer runs here */
  forget(org: string, integration: string): void {
    this.perIntegration.delete(`${org}\u0000${integration}`);
  }
}
