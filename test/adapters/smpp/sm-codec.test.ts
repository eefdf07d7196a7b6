// The hand-written submit_sm/deliver_sm codec must produce the package's bytes and keep octets raw.
import { describe, expect, it } from 'vitest';
import {
  COMMAND_ID, TLV_TAG, decodeShortMessagePdu, encodeShortMessagePdu, tlv, tlvCString, tlvInt, type ShortMessageInput,
} from '../../../src/adapters/smpp/index.js';
import { PackagePDU } from '../../../src/adapters/smpp/smpp-package.js';
import { PduDecodeError } from '../../../src/adapters/smpp/pdu-reader.js';

const base = {
  source_addr_ton: 1, source_addr_npi: 1, source_addr: '15551234567',
  dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15557654321',
  esm_class: 0, registered_delivery: 1, data_coding: 0,
};

const cases: Array<[string, ShortMessageInput]> = [
  ['plain GSM octets', { ...base, short_message: Buffer.from('Hello world', 'latin1') }],
  ['GSM octets with 0x1B escapes and NULs (@ is 0x00)', { ...base, short_message: Buffer.from([0x1b, 0x65, 0x00, 0x1b, 0x3c, 0x41]) }],
  ['UCS2 with a surrogate pair', { ...base, data_coding: 8, short_message: Buffer.from([0x00, 0x48, 0xd8, 0x3d, 0xde, 0x00]) }],
  ['UDH segment with esm_class 0x40', { ...base, esm_class: 0x40, short_message: Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 0x41, 0x42]) }],
  ['service_type, protocol_id, priority and times', {
    ...base, service_type: 'CMT', protocol_id: 0x7f, priority_flag: 3, schedule_delivery_time: '000000010000000R',
    validity_period: '000001000000000R', replace_if_present_flag: 1, sm_default_msg_id: 2, short_message: Buffer.alloc(0),
  }],
  ['254 octets, every byte value', { ...base, data_coding: 4, short_message: Buffer.from(Array.from({ length: 254 }, (_, i) => i)) }],
  ['alphanumeric sender and empty destination', { ...base, source_addr_ton: 5, source_addr_npi: 0, source_addr: 'ACME', destination_addr: '', short_message: Buffer.from('x') }],
];

describe('encodeShortMessagePdu', () => {
  it.each(cases)('encodes submit_sm like the package: %s', (_name, fields) => {
    const ours = encodeShortMessagePdu(COMMAND_ID.submit_sm, 42, fields);
    const theirs = new PackagePDU('submit_sm', { ...fields, sequence_number: 42 }).toBuffer();
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('encodes deliver_sm TLVs like the package', () => {
    const ours = encodeShortMessagePdu(COMMAND_ID.deliver_sm, 7, {
      ...base, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD'),
      tlvs: [tlv.cstring(TLV_TAG.receipted_message_id, 'ab12'), tlv.u8(TLV_TAG.message_state, 2)],
    });
    const theirs = new PackagePDU('deliver_sm', {
      ...base, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD'), sequence_number: 7, receipted_message_id: 'ab12', message_state: 2,
    }).toBuffer();
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('refuses a short_message over 254 octets', () => {
    expect(() => encodeShortMessagePdu(COMMAND_ID.submit_sm, 1, { short_message: Buffer.alloc(255) })).toThrow(RangeError);
  });
});

describe('decodeShortMessagePdu', () => {
  it.each(cases)('round-trips raw octets: %s', (_name, fields) => {
    const pdu = decodeShortMessagePdu(encodeShortMessagePdu(COMMAND_ID.deliver_sm, 9, fields));
    expect(pdu).toMatchObject({ ...fields, command_id: COMMAND_ID.deliver_sm, sequence_number: 9 });
    expect(pdu.short_message.equals(fields.short_message)).toBe(true);
  });

  it('decodesReceiptTlvsAndKeepsUnknownOnes', () => {
    const pdu = decodeShortMessagePdu(encodeShortMessagePdu(COMMAND_ID.deliver_sm, 3, {
      ...base, esm_class: 4, short_message: Buffer.alloc(0),
      tlvs: [tlv.cstring(TLV_TAG.receipted_message_id, '0A1B'), tlv.u8(TLV_TAG.message_state, 5), tlv.u16(TLV_TAG.sar_msg_ref_num, 0x1234),
        { tag: 0x1403, value: Buffer.from('vendor') }],
    }));
    expect(tlvCString(pdu.tlvs, TLV_TAG.receipted_message_id)).toBe('0A1B');
    expect(tlvInt(pdu.tlvs, TLV_TAG.message_state)).toBe(5);
    expect(tlvInt(pdu.tlvs, TLV_TAG.sar_msg_ref_num)).toBe(0x1234);
    expect(pdu.tlvs.at(-1)).toEqual({ tag: 0x1403, value: Buffer.from('vendor') });
  });

  it('decodesReceiptedMessageIdWithoutItsNul', () => {
    const pdu = decodeShortMessagePdu(encodeShortMessagePdu(COMMAND_ID.deliver_sm, 3, {
      short_message: Buffer.alloc(0), tlvs: [{ tag: TLV_TAG.receipted_message_id, value: Buffer.from('77') }],
    }));
    expect(tlvCString(pdu.tlvs, TLV_TAG.receipted_message_id)).toBe('77');
  });

  it('refusesSmLengthBeyondTheBody', () => {
    const bytes = encodeShortMessagePdu(COMMAND_ID.deliver_sm, 1, { short_message: Buffer.from('abc') });
    bytes[bytes.length - 4] = 200; // sm_length claims 200 octets
    expect(() => decodeShortMessagePdu(bytes)).toThrow(PduDecodeError);
  });

  it('refusesATlvLongerThanTheBody', () => {
    const bytes = encodeShortMessagePdu(COMMAND_ID.deliver_sm, 1, { short_message: Buffer.alloc(0), tlvs: [tlv.u8(TLV_TAG.message_state, 2)] });
    bytes.writeUInt16BE(9, bytes.length - 3);
    expect(() => decodeShortMessagePdu(bytes)).toThrow(/TLV 0x0427 runs past the end/);
  });
});
