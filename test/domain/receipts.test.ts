import { describe, expect, it } from 'vitest';
import { receiptKeys, submitKey } from '../../src/domain/message-id.js';
import {
  isDeliveryReceipt,
  isReceiptParseError,
  looksLikeReceiptText,
  parseReceipt,
  parseReceiptText,
  receiptKind,
  type Receipt,
  type ReceiptInput,
} from '../../src/domain/receipts.js';

const DLR = 0x04;

function receipt(input: Partial<ReceiptInput> & { text: string }): Receipt {
  const r = parseReceipt({ esmClass: DLR, ...input });
  if (isReceiptParseError(r)) throw new Error(r.message);
  return r;
}

describe('esm_class message type (bits 2–5)', () => {
  const cases: Array<{ esm: number; kind: string | undefined }> = [
    { esm: 0x00, kind: undefined },
    { esm: 0x04, kind: 'delivery_receipt' },
    { esm: 0x44, kind: 'delivery_receipt' }, // UDHI set as well
    { esm: 0x84, kind: 'delivery_receipt' }, // reply path set as well
    { esm: 0x08, kind: undefined }, // SME delivery ack
    { esm: 0x10, kind: undefined }, // SME manual ack
    { esm: 0x20, kind: 'intermediate_notification' },
    { esm: 0x40, kind: undefined },
  ];
  it.each(cases)('esm_class 0x$esm → $kind', ({ esm, kind }) => {
    expect(receiptKind(esm)).toBe(kind);
    expect(isDeliveryReceipt(esm)).toBe(kind !== undefined);
  });
});

describe('receipt text formats seen in the wild', () => {
  const cases: Array<{ name: string; text: string; expected: Partial<Receipt> }> = [
    {
      name: 'Appendix B with 10-digit dates',
      text: 'id:0123456789 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:Hello there',
      expected: {
        messageId: '0123456789', state: 'DELIVERED', final: true, delivered: true, errorCode: '000',
        submitDate: '2401011200', doneDate: '2401011201', sub: '001', dlvrd: '001', text: 'Hello there',
      },
    },
    {
      name: '12-digit dates, capitalised keys and Text:',
      text: 'ID:1A2B3C Sub:001 Dlvrd:000 Submit Date:240101120059 Done Date:240101130001 Stat:UNDELIV Err:011 Text:Hi',
      expected: { messageId: '1A2B3C', state: 'UNDELIVERABLE', final: true, delivered: false, errorCode: '011', submitDate: '240101120059', doneDate: '240101130001', text: 'Hi' },
    },
    {
      name: 'lower-case keys, missing fields',
      text: 'id:abc-123 stat:EXPIRED',
      expected: { messageId: 'abc-123', state: 'EXPIRED', final: true, delivered: false },
    },
    {
      name: 'text: last and containing key-like words',
      text: 'id:42 stat:DELIVRD err:0 text:stat:REJECTD id:99 err:1',
      expected: { messageId: '42', state: 'DELIVERED', errorCode: '0', text: 'stat:REJECTD id:99 err:1' },
    },
    {
      name: '65-char id',
      text: `id:${'f'.repeat(65)} stat:ACCEPTD`,
      expected: { messageId: 'f'.repeat(65), state: 'ACCEPTED', final: false, delivered: false },
    },
    { name: 'ENROUTE is not final', text: 'id:7 stat:ENROUTE', expected: { state: 'ENROUTE', final: false } },
    { name: 'SCHEDLD is not final', text: 'id:7 stat:SCHEDLD', expected: { state: 'SCHEDULED', final: false } },
    { name: 'UNKNOWN is a final failure', text: 'id:7 stat:UNKNOWN', expected: { state: 'UNKNOWN', final: true, delivered: false } },
    { name: 'REJECTD', text: 'id:7 stat:REJECTD err:088', expected: { state: 'REJECTED', final: true, errorCode: '088' } },
    { name: 'SKIPPED is final', text: 'id:7 stat:SKIPPED', expected: { state: 'SKIPPED', final: true } },
    { name: 'DELETED', text: 'id:7 stat:DELETED', expected: { state: 'DELETED', final: true } },
    { name: 'full word DELIVERED', text: 'id:7 stat:DELIVERED', expected: { state: 'DELIVERED', delivered: true } },
    { name: 'full word UNDELIVERABLE', text: 'id:7 stat:undeliverable', expected: { state: 'UNDELIVERABLE' } },
    { name: 'space after colon, underscore dates', text: 'id: 77 submit_date:2401011200 stat: DELIVRD', expected: { messageId: '77', submitDate: '2401011200', state: 'DELIVERED' } },
    { name: 'NUL-terminated C-string id', text: 'id:55\0 stat:DELIVRD', expected: { messageId: '55' } },
  ];
  it.each(cases)('$name', ({ text, expected }) => {
    expect(receipt({ text })).toMatchObject(expected);
  });

  it('an empty value does not swallow the next field', () => {
    expect(parseReceiptText('id: sub:001 stat:DELIVRD')).toEqual({ sub: '001', stat: 'DELIVRD' });
  });

  it('a malformed date is left out rather than guessed', () => {
    expect(receipt({ text: 'id:1 submit date:24-01-01 stat:DELIVRD' }).submitDate).toBeUndefined();
  });
});

describe('TLVs first, text fills the gaps', () => {
  it('TLVs only (empty text)', () => {
    expect(receipt({ text: '', receiptedMessageId: 'A1B2\0', messageState: 2 })).toEqual({
      messageId: 'A1B2', kind: 'delivery_receipt', state: 'DELIVERED', final: true, delivered: true,
    });
  });

  it('TLV state wins over stat:, text fills err and dates', () => {
    expect(receipt({ text: 'id:1 stat:DELIVRD err:034 done date:2401011201', messageState: 5 })).toMatchObject({
      messageId: '1', state: 'UNDELIVERABLE', final: true, delivered: false, errorCode: '034', doneDate: '2401011201',
    });
  });

  it('TLV id wins; a differing text id is kept for a second lookup', () => {
    expect(receipt({ text: 'id:6699 stat:DELIVRD', receiptedMessageId: '1A2B' })).toMatchObject({ messageId: '1A2B', textMessageId: '6699' });
    expect(receipt({ text: 'id:1A2B stat:DELIVRD', receiptedMessageId: '1A2B' }).textMessageId).toBeUndefined();
  });

  it('an out-of-range message_state falls back to stat:', () => {
    expect(receipt({ text: 'id:1 stat:EXPIRED', messageState: 42 }).state).toBe('EXPIRED');
  });

  it('network_error_code TLV: binary and the bogus ASCII-digit form', () => {
    expect(receipt({ text: 'id:1 stat:UNDELIV', networkErrorCode: Uint8Array.from([3, 0x00, 0x22]) }).networkErrorCode).toEqual({ networkType: 3, code: 34 });
    expect(receipt({ text: 'id:1 stat:UNDELIV', networkErrorCode: Buffer.from('034') }).networkErrorCode).toEqual({ networkType: 0, code: 34 });
  });

  it('an intermediate notification is never final', () => {
    expect(parseReceipt({ esmClass: 0x20, text: 'id:1 stat:DELIVRD' })).toMatchObject({ kind: 'intermediate_notification', final: false, delivered: false });
  });
});

describe('parse errors are returned', () => {
  const cases: Array<{ name: string; input: ReceiptInput; error: string }> = [
    { name: 'no id anywhere', input: { esmClass: DLR, text: 'stat:DELIVRD' }, error: 'NO_MESSAGE_ID' },
    { name: 'no state anywhere', input: { esmClass: DLR, text: 'id:1 err:000' }, error: 'NO_STATE' },
    { name: 'unrecognised stat', input: { esmClass: DLR, text: 'id:1 stat:WHATEVER' }, error: 'UNRECOGNISED_STATE' },
  ];
  it.each(cases)('$name → $error', ({ input, error }) => {
    expect(parseReceipt(input)).toMatchObject({ error });
  });
});

describe('looksLikeReceiptText (receipts sent with esm_class 0)', () => {
  it.each([
    ['id:1 stat:DELIVRD', true],
    ['see you at 5, stat', false],
    ['id:1 hello', false],
  ] as const)('%s → %s', (text, expected) => {
    expect(looksLikeReceiptText(text)).toBe(expected);
  });
});

describe('a parsed receipt meets its submit through the id keys', () => {
  it.each([
    ['decimal resp, hex receipt text', '26265', 'id:00006699 stat:DELIVRD'],
    ['hex resp, decimal receipt text', '1A2B', 'id:0000006699 sub:001 stat:DELIVRD'],
    ['UUID resp, lower-case receipt', 'AB12CD34-0000-4000-8000-00000000000F', 'id:ab12cd34-0000-4000-8000-00000000000f stat:DELIVRD'],
  ])('%s', (_name, respId, text) => {
    expect(receiptKeys(receipt({ text }).messageId)).toContain(submitKey(respId));
  });
});
