// UnmatchedReceipts: one `integration.receipt_unmatched` event per integration per interval, carrying how
// many unmatched receipts there were since the previous one; integrations are limited separately.
import { describe, expect, it } from 'vitest';
import { UnmatchedReceipts, type UnmatchedReceiptDetail } from '../../../src/actors/inbound/unmatched-receipts.js';

describe('UnmatchedReceipts', () => {
  it('publishes the first at once, then at most once per interval with the count since the last event', () => {
    let now = 1_000_000;
    const u = new UnmatchedReceipts({ intervalMs: 60_000, nowMs: () => now });
    const published: UnmatchedReceiptDetail[] = [];
    const publish = (d: UnmatchedReceiptDetail) => published.push(d);
    u.note('o', 'i', 'r1', publish);
    now += 1_000;
    u.note('o', 'i', 'r2', publish);
    u.note('o', 'i', 'r3', publish);
    expect(published.map((d) => [d.receiptId, d.count])).toEqual([['r1', 1]]);
    now += 60_000;
    u.note('o', 'i', 'r4', publish);
    expect(published.map((d) => [d.receiptId, d.count])).toEqual([['r1', 1], ['r4', 3]]);
    expect(published[1]!.since).toBe(new Date(1_000_000).toISOString());
  });

  it('limits each integration on its own, and starts again after forget', () => {
    const u = new UnmatchedReceipts({ intervalMs: 60_000, nowMs: () => 5_000 });
    const published: string[] = [];
    u.note('o', 'i', 'a', (d) => published.push(`i:${d.receiptId}`));
    u.note('o', 'j', 'b', (d) => published.push(`j:${d.receiptId}`));
    u.note('o', 'i', 'c', (d) => published.push(`i:${d.receiptId}`));
    u.forget('o', 'i');
    u.note('o', 'i', 'd', (d) => published.push(`i:${d.receiptId}`));
    expect(published).toEqual(['i:a', 'j:b', 'i:d']);
  });
});
