import { describe, expect, it } from 'vitest';
import { canonicalMessageId, receiptKeys, submitKey } from '../../src/domain/message-id.js';

/** What the tracker does: store under submitKey(resp), look up with receiptKeys(dlr). */
const meets = (respId: string, receiptId: string): boolean => {
  const stored = submitKey(respId);
  return stored !== undefined && receiptKeys(receiptId).includes(stored);
};

describe('a submit_sm_resp id and its receipt id meet', () => {
  const cases: Array<{ name: string; resp: string; receipt: string }> = [
    { name: 'same id', resp: '12345', receipt: '12345' },
    { name: 'hex resp, decimal receipt', resp: '1A2B', receipt: '6699' },
    { name: 'decimal resp, hex receipt', resp: '6699', receipt: '1A2B' },
    { name: 'decimal resp, all-digit hex receipt', resp: '26265', receipt: '6699' },
    { name: 'all-digit hex resp, decimal receipt', resp: '6699', receipt: '26265' },
    { name: 'zero-padded hex resp, decimal receipt (smscsim)', resp: '00001A2B', receipt: '6699' },
    { name: 'padded receipt', resp: '6699', receipt: '0000006699' },
    { name: 'padded resp (jsmpp#178)', resp: '0221067780', receipt: '221067780' },
    { name: 'upper vs lower case hex', resp: 'ABCDEF01', receipt: 'abcdef01' },
    { name: 'UUIDs case-insensitively', resp: '1101C1A2-77F0-4B6E-9C1D-2B1D6A7E9F00', receipt: '1101c1a2-77f0-4b6e-9c1d-2b1d6a7e9f00' },
    { name: 'NUL and spaces around', resp: ' 42\0', receipt: '42' },
    { name: '16-hex-digit id in decimal', resp: 'FFFFFFFFFFFFFFFF', receipt: '18446744073709551615' },
    { name: 'unsafe characters on both sides', resp: 'abc+def:1', receipt: 'ABC+DEF:1' },
  ];
  it.each(cases)('$name: $resp ~ $receipt', ({ resp, receipt }) => {
    expect(meets(resp, receipt)).toBe(true);
    expect(meets(receipt, resp)).toBe(true); // a receipt parked before its resp is found the other way round
  });

  it.each([
    ['12345', '12346'],
    ['1A2B', '1A2C'],
    ['abc-1', 'abc-2'],
  ])('different ids do not meet: %s / %s', (a, b) => {
    expect(meets(a, b)).toBe(false);
  });
});

describe('keys', () => {
  it('canonical form: trimmed, NUL-free, lower case, hex zeros stripped', () => {
    expect(canonicalMessageId(' 000ABC\0')).toBe('abc');
    expect(canonicalMessageId('0000')).toBe('0');
    expect(canonicalMessageId('00-AB')).toBe('00-ab'); // not a number: zeros kept
  });

  it('exact spelling is tried first', () => {
    expect(receiptKeys('6699')).toEqual(['6699', '1a2b', '26265']);
    expect(receiptKeys('1A2B')).toEqual(['1a2b', '6699']);
  });

  it('ids longer than 64 bits get no numeric alternates', () => {
    expect(receiptKeys('f'.repeat(17))).toEqual(['f'.repeat(17)]);
    expect(receiptKeys('9'.repeat(21))).toHaveLength(1 + 0 + 0); // > 2^64 decimal, > 16 hex digits
  });

  it('every key is a NATS KV token: [-/=.\\w] only', () => {
    for (const id of ['a+b', 'x:y z', 'ü-ß', '.leading', 'a/b', 'plain-ID_1']) {
      for (const key of receiptKeys(id)) expect(key).toMatch(/^[-/=\w]+$/);
    }
    expect(submitKey('a+b')).toMatch(/^=/);
    expect(submitKey('plain-ID_1')).toBe('plain-id_1');
  });

  it('an empty id has no keys', () => {
    expect(submitKey(' \0')).toBeUndefined();
    expect(receiptKeys('')).toEqual([]);
  });
});
