// Fuzz targets shared by `npm run fuzz` (bench/fuzz.ts, ≥ 100,000 inputs) and the fixed-seed sample in
// npm test (test/fuzz/decoders.test.ts). Each target feeds one decoder untrusted input and checks
// that nothing escapes (no throw), plus a property the caller relies on.
import fc from 'fast-check';
import { COMMAND_ID, FrameReader, decodeFrame, decodeMessageIdResp, type SessionEvent } from '../../src/adapters/smpp/index.js';
import { dispatchFrame, toDeliverSm } from '../../src/adapters/smpp/frame-dispatch.js';
import { decodeShortMessagePdu, type ShortMessagePdu } from '../../src/adapters/smpp/sm-codec.js';
import { decodeDataSmPdu } from '../../src/adapters/smpp/data-sm-codec.js';
import { PduDecodeError } from '../../src/adapters/smpp/pdu-reader.js';
import {
  canEncode, chooseEncoding, decode, decodeInbound, encode, parseMtPayload, parseReceipt, parseReceiptText, segmentMessage, splitUdh,
} from '../../src/domain/index.js';
import { CHARSET_NAMES, type CharsetEntry } from '../../src/config/index.js';
import { mutatedPdu, pduStream, randomBodyPdu } from './pdu-inputs.js';
import { NATIONAL_TARGET } from './national-target.js';

const MAX_PDU = 70_000;

export interface FuzzTarget {
  name: string;
  /** a property to run: sync or async */
  property: () => fc.IProperty<unknown> | fc.IAsyncProperty<unknown>;
  /** share of the runs this target gets (weight) */
  weight: number;
}

export class FuzzFinding extends Error {
  override name = 'FuzzFinding';
}
/** septets a GSM part takes once the SMSC packs it: a UDH rounds up to whole septets (fill bits), then the text */
export function packedSeptets(part: Buffer, udhi: boolean): number {
  if (!udhi) return part.length;
  const udh = 1 + (part[0] ?? 0);
  return Math.ceil((udh * 8) / 7) + part.length - udh;
}
const check = (ok: boolean, what: string): void => {
  if (!ok) throw new FuzzFinding(what);
};

/** What happens to one deliver_sm once the session has emitted it: receipt or MO decoding, as the inbound path does. */
function inboundDecode(p: ReturnType<typeof toDeliverSm>): void {
  const body = p.shortMessage.length > 0 ? p.shortMessage : (p.messagePayload ?? Buffer.alloc(0));
  const text = decodeInbound({ shortMessage: body, dataCoding: p.dataCoding, esmClass: p.esmClass & ~0x40 }).text;
  const receipt = parseReceipt({ esmClass: p.esmClass, text, receiptedMessageId: p.receiptedMessageId, messageState: p.messageState, networkErrorCode: p.networkErrorCode });
  check('error' in receipt || typeof receipt.messageId === 'string', 'parseReceipt gave neither an error nor an id');
  const sar = p.sarMsgRefNum !== undefined && p.sarTotalSegments !== undefined && p.sarSegmentSeqnum !== undefined
    ? { reference: p.sarMsgRefNum, total: p.sarTotalSegments, sequence: p.sarSegmentSeqnum } : undefined;
  const mo = decodeInbound({ shortMessage: body, dataCoding: p.dataCoding, esmClass: p.esmClass, ...(sar ? { sar } : {}) });
  check(typeof mo.text === 'string', 'decodeInbound text is not a string');
  if (mo.concat) check(mo.concat.sequence >= 1 && mo.concat.sequence <= mo.concat.total, 'concat part number outside 1..total');
}

/** The session's read path on a stream: framing, dispatch and the inbound decoders; every request answered once. */
function readStream({ bytes, cuts }: { bytes: Buffer; cuts: number[] }): void {
  const reader = new FrameReader(MAX_PDU);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const end of [...points, bytes.length]) {
    const chunk = bytes.subarray(start, end);
    start = end;
    let closed = false;
    const failure = reader.push(chunk, (frame) => {
      const sent: Buffer[] = [];
      const events: SessionEvent[] = [];
      dispatchFrame({ window: { take: () => undefined }, send: (b) => sent.push(b), emit: (e) => events.push(e), close: () => { closed = true; } }, frame);
      const commandId = frame.readUInt32BE(4);
      const isRequest = (commandId & 0x80000000) === 0 && commandId !== COMMAND_ID.alert_notification && commandId !== COMMAND_ID.outbind;
      const delivered = events.filter((e) => e.type === 'pdu.deliver_sm');
      if (isRequest) check(sent.length + delivered.length === 1, `request 0x${commandId.toString(16)} answered ${sent.length} times, handed on ${delivered.length} times`);
      for (const e of delivered) if (e.type === 'pdu.deliver_sm') inboundDecode(e.pdu);
      return !closed;
    });
    if (failure || closed) return;
  }
}

const orNull = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(fc.constant(null), a);
const anyPdu = fc.oneof(mutatedPdu, randomBodyPdu);
const charsetList: fc.Arbitrary<CharsetEntry[]> = fc.array(fc.record({ dcs: fc.integer({ min: 0, max: 255 }), charset: fc.constantFrom(...CHARSET_NAMES) }), { maxLength: 4 });
const receiptLike = fc.tuple(
  fc.array(fc.constantFrom('id:', 'sub:', 'dlvrd:', 'submit date:', 'done date:', 'stat:', 'err:', 'text:', 'DELIVRD', 'UNDELIV', ' ', '\0', 'Text:', 'ID:', 'stat:ACCEPTD'), { maxLength: 12 }),
  fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 12 }),
).map(([a, b]) => a.map((x, i) => x + (b[i] ?? '')).join(''));

export const TARGETS: readonly FuzzTarget[] = [
  { name: 'session read path (stream → frames → dispatch → inbound decoders)', weight: 30, property: () => fc.property(pduStream, (s) => readStream(s)) },
  { name: 'decodeFrame (every command: body decoders, smpp package)', weight: 15, property: () => fc.property(anyPdu, (b) => {
    if (b.length < 16) return;
    const r = decodeFrame(b);
    check(r.ok || r.commandStatus > 0, 'a decode failure without a status to nack with');
    if (r.ok && (r.pdu.command === 'deliver_sm' || r.pdu.command === 'data_sm')) inboundDecode(toDeliverSm(r.pdu as unknown as ShortMessagePdu));
  }) },
  { name: 'submit_sm / deliver_sm / data_sm body decoders (only PduDecodeError may leave)', weight: 10, property: () => fc.property(anyPdu, fc.boolean(), (b, data) => {
    if (b.length < 16) return;
    try {
      (data ? decodeDataSmPdu : decodeShortMessagePdu)(b);
    } catch (err) {
      check(err instanceof PduDecodeError, `decoder threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    }
  }) },
  { name: '*_resp message_id', weight: 3, property: () => fc.property(anyPdu, (b) => { if (b.length >= 16) check(typeof (decodeMessageIdResp(b) ?? '') === 'string', 'not a string'); }) },
  { name: 'UDH split', weight: 8, property: () => fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), (u, esm) => {
    const s = splitUdh(u, esm);
    check(s.payload.length <= u.length, 'payload longer than the input');
    if (s.concat) check(s.concat.sequence >= 1 && s.concat.sequence <= s.concat.total, 'concat outside 1..total');
  }) },
  { name: 'inbound text (UDH, data_coding, SAR, charset lists)', weight: 8, property: () => fc.property(
    fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), charsetList,
    orNull(fc.record({ reference: fc.integer({ min: -1, max: 0x1ffff }), total: fc.integer({ min: -1, max: 300 }), sequence: fc.integer({ min: -1, max: 300 }) })),
    (u, dc, esm, charsets, sar: { reference: number; total: number; sequence: number } | null) => {
      const r = decodeInbound({ shortMessage: u, dataCoding: dc, esmClass: esm, charsets, ...(sar ? { sar } : {}) });
      check(typeof r.text === 'string', 'text is not a string');
      if (r.concat) check(r.concat.sequence >= 1 && r.concat.sequence <= r.concat.total, 'concat outside 1..total');
    }) },
  { name: 'charset decode (every charset, any octets)', weight: 6, property: () => fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...CHARSET_NAMES), (u, cs) => {
    check(typeof decode(u, cs).text === 'string', 'not a string');
  }) },
  { name: 'charset encode / choose / segment (any text)', weight: 6, property: () => fc.property(
    fc.string({ unit: fc.oneof(fc.constantFrom('grapheme', 'binary', 'binary-ascii') as fc.Arbitrary<'grapheme'>), maxLength: 400 }), fc.constantFrom(...CHARSET_NAMES), charsetList,
    (text, cs, list) => {
      const bytes = encode(text, cs);
      check((bytes !== undefined) === canEncode(text, cs), 'canEncode disagrees with encode');
      const choice = chooseEncoding(text, list);
      if (!choice) return;
      const seg = segmentMessage(text, choice, { reference: text.length });
      // GSM goes unpacked (a septet an octet): 160 septets fit the 140 octets the SMSC packs them into
      const fits = (s: Buffer) => (choice.charset === 'gsm_0338' ? packedSeptets(s, seg.ok && seg.esmClass === 0x40) <= 160 : s.length <= 140);
      if (seg.ok) for (const s of seg.segments) check(fits(s), `segment of ${s.length} octets (${choice.charset})`);
    }) },
  { name: 'receipt text and TLVs', weight: 8, property: () => fc.property(
    fc.oneof(receiptLike, fc.string({ unit: 'binary', maxLength: 200 })), fc.integer({ min: 0, max: 255 }),
    orNull(fc.string({ unit: 'binary', maxLength: 70 })), orNull(fc.integer({ min: -1, max: 0xffffffff })), orNull(fc.uint8Array({ maxLength: 8 })),
    (text, esm, id: string | null, state: number | null, nec: Uint8Array | null) => {
      parseReceiptText(text);
      const r = parseReceipt({ esmClass: esm, text, ...(id !== null ? { receiptedMessageId: id } : {}), ...(state !== null ? { messageState: state } : {}), ...(nec ? { networkErrorCode: nec } : {}) });
      check('error' in r || r.messageId.length > 0, 'a receipt with an empty id');
    }) },
  { name: 'byo.mt payload (any JSON value)', weight: 6, property: () => fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.record({ id: fc.anything(), from: fc.anything(), to: fc.anything(), text: fc.anything() }, { requiredKeys: [] })), (v) => {
    const r = parseMtPayload(v);
    if (r.ok) check(typeof r.message.text === 'string' && r.message.text.length > 0 && typeof r.message.from === 'string', 'accepted a payload without text/from');
  }) },  NATIONAL_TARGET,
];
