import { describe, expect, it } from 'vitest';
import { UNMATCHED_RECEIPTS_MAX, UnmatchedReceipts } from '../../../src/actors/inbound/unmatched-receipts.js';

describe('UnmatchedReceipts', () => {
  it('gives up on a receipt only once it has been unmatched for the give-up time, then forgets it', () => {
    let now = 1_000;
    const u = new UnmatchedReceipts(60_000, () => now);
    expect(u.givenUp('a')).toBe(false);
    now += 59_999;
    expect(u.givenUp('a')).toBe(false);
    now += 1;
    expect(u.givenUp('a')).toBe(true);
    // forgotten: a later sighting starts again
    expect(u.givenUp('a')).toBe(false);
  });

  it('a receipt that matched starts again from zero', () => {
    let now = 0;
    const u = new UnmatchedReceipts(1_000, () => now);
    u.givenUp('b');
    u.matched('b');
    now = 5_000;
    expect(u.givenUp('b')).toBe(false);
  });

  it('is bounded: the oldest id is dropped first', () => {
    let now = 0;
    const u = new UnmatchedReceipts(1_000, () => now);
    for (let i = 0; i <= UNMATCHED_RECEIPTS_MAX; i++) u.givenUp(String(i));
    now = 2_000;
    // id 0 was dropped, so this is a first sighting; id 1 is still remembered
    expect(u.givenUp('0')).toBe(false);
    expect(u.givenUp('2')).toBe(true);
  });
});
