// SMSC message id → correlation keys. The #1 field failure is a receipt that never meets its
// submit_sm_resp because the two spell the same id differently: hex in one and decimal in the other,
// zero-padded, or in another letter case (smpp-field-notes.md §1).
//
// Contract for the tracker:
//   store   the submit under ONE key:       submitKey(submit_sm_resp.message_id)
//   look up a receipt by trying in order:  receiptKeys(receipt id)   (first hit wins)
// The relation is symmetric (a ∈ receiptKeys(b) ⇔ b's key ∈ receiptKeys(a) for canonical ids), so a
// receipt that arrives before its resp can be parked under submitKey(receiptId) and found later by
// the resp trying receiptKeys(respId).
//
// The alternates can in principle match a different in-flight message whose id happens to be the
// other base's spelling of this one; the exact spelling is always tried first, so that only matters
// when the exact message is not in flight.

const HEX = /^[0-9a-f]+$/;
const DECIMAL = /^[0-9]+$/;
/** Spellings that are usable verbatim as a NATS KV key token (KV allows [-/=.\w]; '.', '/' and '=' are kept out). */
const KEY_SAFE = /^[-\w]+$/;
const MAX_U64 = (1n << 64n) - 1n;
/** Hex ids longer than 64 bits are opaque tokens (UUID-like), not numbers rendered in hex. */
const MAX_NUMERIC_HEX_DIGITS = 16;

/**
 * Canonical spelling: NULs and surrounding whitespace removed, lower case (hex ids and UUIDs arrive in
 * both cases), and leading zeros stripped from all-hex ids ('0000006699' → '6699', '0' stays '0').
 * Case is folded for every id: a case-sensitive base62 id colliding on case alone among one
 * integration's in-flight messages is far less likely than the case mismatches seen in the field.
 */
export function canonicalMessageId(id: string): string {
  const lower = id.replace(/\0/g, '').trim().toLowerCase();
  if (!HEX.test(lower)) return lower;
  const stripped = lower.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/** A canonical id as a KV-safe token: verbatim when safe, otherwise '=' + base64url (raw keys never contain '='). */
function toKey(canonical: string): string {
  return KEY_SAFE.test(canonical) ? canonical : `=${Buffer.from(canonical, 'utf8').toString('base64url')}`;
}

/** The key a submit is stored under; undefined for an empty id (nothing to correlate). */
export function submitKey(respMessageId: string): string | undefined {
  const canonical = canonicalMessageId(respMessageId);
  return canonical === '' ? undefined : toKey(canonical);
}

/**
 * Keys to try for a receipt, best first: the id as-is (canonical), then the same number in the
 * other base — decimal of an all-hex id of ≤ 16 digits, hex of an all-decimal id < 2^64 (an
 * all-digit id may be either, so it gets both). Empty for an empty id.
 */
export function receiptKeys(receiptMessageId: string): string[] {
  const canonical = canonicalMessageId(receiptMessageId);
  if (canonical === '') return [];
  const keys = [toKey(canonical)];
  const add = (k: string): void => {
    if (!keys.includes(k)) keys.push(k);
  };
  if (DECIMAL.test(canonical)) {
    const value = BigInt(canonical);
    if (value <= MAX_U64) add(value.toString(16));
  }
  if (HEX.test(canonical) && canonical.length <= MAX_NUMERIC_HEX_DIGITS) {
    add(BigInt(`0x${canonical}`).toString(10));
  }
  return keys;
}
