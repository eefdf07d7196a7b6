// Inputs for the SMPP fuzz targets: valid PDUs of every kind the engine reads (seeds) and a mutator
// that damages them the way a broken or hostile SMSC would (bit flips, overwritten, inserted or cut
// octets, lying length fields), plus plain random octets.
import fc from 'fast-check';
import {
  COMMAND_ID, TLV_TAG, encodeHeaderOnly, encodeMessageIdResp, encodePdu, encodeShortMessagePdu, tlv,
} from '../../src/adapters/smpp/index.js';
import { encodeDataSmPdu } from '../../src/adapters/smpp/data-sm-codec.js';

const udh = (ref: number, total: number, seq: number) => Buffer.from([5, 0, 3, ref, total, seq]);
const receiptText = 'id:0a1b2c3d sub:001 dlvrd:001 submit date:2607011200 done date:2607011201 stat:DELIVRD err:000 text:hello';

export const SEED_PDUS: readonly Buffer[] = [
  encodeShortMessagePdu(COMMAND_ID.deliver_sm, 7, {
    source_addr: '447700900001', destination_addr: '15551230001', esm_class: 0x04, short_message: Buffer.from(receiptText, 'latin1'),
    tlvs: [tlv.cstring(TLV_TAG.receipted_message_id, '0a1b2c3d'), tlv.u8(TLV_TAG.message_state, 2), tlv.octets(TLV_TAG.network_error_code, Buffer.from([3, 0, 11]))],
  }),
  encodeShortMessagePdu(COMMAND_ID.deliver_sm, 8, {
    source_addr: '+447700900001', destination_addr: '15551230001', esm_class: 0x40, data_coding: 8,
    short_message: Buffer.concat([udh(0x2a, 2, 1), Buffer.from('hello wörld', 'utf16le').swap16()]),
  }),
  encodeShortMessagePdu(COMMAND_ID.deliver_sm, 9, {
    source_addr: '447700900001', destination_addr: '15551230001', data_coding: 0, short_message: Buffer.alloc(0),
    tlvs: [tlv.octets(TLV_TAG.message_payload, Buffer.from('STOP', 'latin1')), tlv.u16(TLV_TAG.sar_msg_ref_num, 0xbeef),
      tlv.u8(TLV_TAG.sar_total_segments, 3), tlv.u8(TLV_TAG.sar_segment_seqnum, 2)],
  }),
  encodeShortMessagePdu(COMMAND_ID.submit_sm, 10, { source_addr: 'ACME', destination_addr: '15551230001', short_message: Buffer.from('hi') }),
  encodeDataSmPdu(11, { source_addr: '447700900001', destination_addr: '15551230001', esm_class: 0x04, payload: Buffer.from(receiptText),
    tlvs: [tlv.cstring(TLV_TAG.receipted_message_id, '0a1b2c3d')] }),
  encodePdu('bind_transceiver_resp', 1, { system_id: 'smsc' }),
  encodePdu('bind_transceiver', 2, { system_id: 'acme', password: 'pw', system_type: '', interface_version: 0x34 }),
  encodePdu('query_sm', 12, { message_id: 'abc', source_addr: '1' }),
  encodePdu('alert_notification', 13, { source_addr: '1', esme_addr: '2' }),
  encodePdu('outbind', 14, { system_id: 'smsc', password: 'pw' }),
  encodePdu('cancel_sm', 15, { message_id: 'abc', source_addr: '1', destination_addr: '2' }),
  encodeMessageIdResp(COMMAND_ID.submit_sm_resp, 0, 3, 'msg-0001'),
  encodeMessageIdResp(COMMAND_ID.deliver_sm_resp, 0, 4, ''),
  encodeHeaderOnly(COMMAND_ID.enquire_link, 0, 5),
  encodeHeaderOnly(COMMAND_ID.enquire_link_resp, 0, 6),
  encodeHeaderOnly(COMMAND_ID.generic_nack, 3, 7),
  encodeHeaderOnly(COMMAND_ID.unbind_resp, 0, 8),
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'cut'; at: number; n: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }) }),
);

function apply(seed: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip' && b.length) b[at] = b[at]! ^ (1 << m.bit);
    else if (m.kind === 'set' && b.length) b[at] = m.value;
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.kind === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
  }
  return b;
}

/** A damaged PDU; usually with its command_length set to what it really is (so framing holds and the body decoders run). */
export const mutatedPdu: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom(...SEED_PDUS), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([seed, ms, fixLength, keepHeader]) => {
    const b = apply(seed, ms);
    // keep the seed's command_id, so the damage lands in that command's body decoder
    if (keepHeader && b.length >= 8) seed.copy(b, 4, 4, 8);
    if ((fixLength || keepHeader) && b.length >= 4) b.writeUInt32BE(b.length, 0);
    return b;
  });

/** A header claiming any known command, then random octets: the body decoders on noise. */
export const randomBodyPdu: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom(...SEED_PDUS.map((p) => p.readUInt32BE(4))), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 300 }))
  .map(([commandId, seq, body]) => {
    const b = Buffer.concat([Buffer.alloc(16), body]);
    b.writeUInt32BE(b.length, 0);
    b.writeUInt32BE(commandId, 4);
    b.writeUInt32BE(seq, 12);
    return b;
  });

/** A stream as an SMSC might send it: PDUs (valid, damaged or noise) back to back, cut into chunks anywhere. */
export const pduStream: fc.Arbitrary<{ bytes: Buffer; cuts: number[] }> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SEED_PDUS) }, { weight: 3, arbitrary: mutatedPdu },
      { weight: 2, arbitrary: randomBodyPdu }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)) }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.nat(), { maxLength: 6 }),
  )
  .map(([pdus, cuts]) => ({ bytes: Buffer.concat(pdus), cuts }));
