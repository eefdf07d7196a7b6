// Splits an encoded text into short_message octets, with the concatenation UDH on multi-part
// messages. Splitting works on the encoded bytes, so it can never disagree with the encoder about
// how many units a character costs.
import type { CharsetName } from '../config/index.js';
import { encode, unitsOf } from './charsets.js';
import { GSM_ESCAPE } from './gsm-0338.js';

/** esm_class bit 6: short_message starts with a User Data Header. */
export const ESM_CLASS_UDHI = 0x40;
/** IEI 0x00 (8-bit reference): UDHL 05, IEI 00, IEDL 03, ref, total, seq. */
export const CONCAT_UDH_LENGTH = 6;
/** IEI 0x08 (16-bit reference): UDHL 06, IEI 08, IEDL 04, ref hi, ref lo, total, seq. */
export const CONCAT16_UDH_LENGTH = 7;
export const MAX_SEGMENTS = 255;

/**
 * How a message longer than one part goes to the SMSC (advanced config `longMessage`):
 * - udh8:    parts with the concatenation UDH, 8-bit reference (IEI 0x00), the default;
 * - udh16:   the same with a 16-bit reference (IEI 0x08), one octet less text per part;
 * - sar:     parts without UDH, sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs (the
 *            SMSC adds the UDH on the air, so parts keep the udh8 sizes);
 * - payload: one submit_sm, empty short_message, the whole text in a message_payload TLV.
 */
export const LONG_MESSAGE_MODES = ['udh8', 'udh16', 'sar', 'payload'] as const;
export type LongMessageMode = (typeof LONG_MESSAGE_MODES)[number];

/** SMPP 3.4 TLV tags the segmenter sets. */
export const SM_TLV = { sar_msg_ref_num: 0x020c, sar_total_segments: 0x020e, sar_segment_seqnum: 0x020f, message_payload: 0x0424 } as const;
export interface SmTlv { tag: number; value: Buffer }

/** Octets available in short_message: 140 octets = 160 septets (GSM), 140 8-bit, 70 UCS2. */
const SINGLE_OCTETS = 140;
/**
 * Text units per part when `udhOctets` of header ride along. GSM is sent unpacked (one septet per
 * octet, data_coding 0 over SMPP), so its limits are in septets; the SMSC packs them and the UDH
 * costs ceil(octets × 8 / 7) septets (6-octet UDH → 7 septets → 153 left).
 */
const capacity = (charset: CharsetName, udhOctets: number): number =>
  charset === 'gsm_0338'
    ? Math.floor((SINGLE_OCTETS * 8) / 7) - Math.ceil((udhOctets * 8) / 7)
    : SINGLE_OCTETS - udhOctets;

export interface EncodedText {
  readonly charset: CharsetName;
  readonly dcs: number;
  /** Already-encoded text (chooseEncoding's `bytes`); encoded here when absent. */
  readonly bytes?: Buffer;
  /**
   * Information elements every part's UDH must carry besides concatenation (the national language
   * shift IEs 0x24 / 0x25): a text that fits one part then gets a UDH too, and every part holds that
   * much less text.
   */
  readonly ies?: readonly number[];
}

export interface SegmentedMessage {
  readonly ok: true;
  readonly dataCoding: number;
  /** 0 for a single part; UDHI 0x40 on every part of a multi-part message. */
  readonly esmClass: number;
  /** short_message octets per part, UDH included. */
  readonly segments: Buffer[];
  /** Whole-text length in the charset's unit (septets, octets, UTF-16 code units). */
  readonly units: number;
  /** TLVs per part (sar, payload), same length as `segments`; absent when no part has any */
  readonly tlvs?: SmTlv[][];
}

export interface SegmentError {
  readonly ok: false;
  readonly code: 'TOO_MANY_SEGMENTS' | 'UNENCODABLE';
  readonly message: string;
}

/**
 * Where the part starting at `start` must end: at most `max` octets, moved back so that a GSM
 * escape pair or a UTF-16 surrogate pair is never split (the whole character goes to the next part).
 */
function cutPoint(bytes: Buffer, start: number, max: number, charset: CharsetName): number {
  let end = Math.min(start + max, bytes.length);
  if (end === bytes.length) return end;
  if (charset === 'gsm_0338') {
    // No text character encodes to 0x1B, so any 0x1B is the first half of an escape pair.
    if (bytes[end - 1] === GSM_ESCAPE) end--;
  } else if (charset === 'utf-16be') {
    const lead = bytes[end - 2] as number;
    if (lead >= 0xd8 && lead <= 0xdb) end -= 2; // high surrogate: keep it with its low half
  }
  return end;
}

type Part = readonly [start: number, end: number];

/**
 * Where the parts of an encoded text start and end, or undefined past MAX_SEGMENTS. `ieOctets` of
 * other IEs ride in every part's UDH; a single part has no concatenation IE.
 */
function partBounds(bytes: Buffer, charset: CharsetName, mode: LongMessageMode, ieOctets: number): Part[] | undefined {
  const whole = charset === 'utf-16be' ? ~1 : ~0; // UCS2 parts hold whole 2-octet units
  if (bytes.length <= (capacity(charset, ieOctets ? 1 + ieOctets : 0) & whole)) return [[0, bytes.length]];
  const concat = mode === 'udh16' ? CONCAT16_UDH_LENGTH : CONCAT_UDH_LENGTH;
  // e.g. UCS2: 133 octets left by the 16-bit UDH carry 66 characters
  const multi = capacity(charset, concat + ieOctets) & whole;
  const parts: Part[] = [];
  for (let start = 0; start < bytes.length; ) {
    if (parts.length === MAX_SEGMENTS) return undefined;
    const end = cutPoint(bytes, start, multi, charset);
    parts.push([start, end]);
    start = end;
  }
  return parts;
}

/** How many parts an encoded text needs (Infinity past MAX_SEGMENTS), as segmentMessage would split it. */
export function countSegments(bytes: Buffer, charset: CharsetName, mode: LongMessageMode = 'udh8', ieOctets = 0): number {
  return partBounds(bytes, charset, mode, ieOctets)?.length ?? Infinity;
}

/**
 * Split into parts. `reference` (the concat reference number, taken mod 256 for udh8, mod 65536 for
 * udh16 and sar) is the caller's: it must differ between concurrent multi-part messages to the same
 * handset.
 */
export function segmentMessage(
  text: string,
  encoding: EncodedText,
  opts: { reference: number; longMessage?: LongMessageMode | undefined },
): SegmentedMessage | SegmentError {
  const bytes = encoding.bytes ?? encode(text, encoding.charset);
  if (!bytes) {
    return { ok: false, code: 'UNENCODABLE', message: `text cannot be encoded as ${encoding.charset}` };
  }
  const units = unitsOf(bytes, encoding.charset);
  const mode = opts.longMessage ?? 'udh8';
  const ies = encoding.ies ?? [];
  // sar and payload leave the UDH to the SMSC, which would not add these IEs
  if (ies.length && (mode === 'sar' || mode === 'payload')) {
    return { ok: false, code: 'UNENCODABLE', message: `national language tables need a UDH of ours: longMessage ${mode} cannot carry them` };
  }
  const parts = partBounds(bytes, encoding.charset, mode, ies.length);
  if (!parts) {
    return {
      ok: false,
      code: 'TOO_MANY_SEGMENTS',
      message: `message needs more than ${MAX_SEGMENTS} segments (${units} units as ${encoding.charset})`,
    };
  }
  if (parts.length === 1) {
    if (!ies.length) return { ok: true, dataCoding: encoding.dcs, esmClass: 0, segments: [bytes], units };
    const part = Buffer.concat([Buffer.from([ies.length, ...ies]), bytes]);
    return { ok: true, dataCoding: encoding.dcs, esmClass: ESM_CLASS_UDHI, segments: [part], units };
  }
  // The SMSC splits a message_payload itself: the text goes whole, in one PDU.
  if (mode === 'payload') {
    return { ok: true, dataCoding: encoding.dcs, esmClass: 0, segments: [Buffer.alloc(0)], units, tlvs: [[{ tag: SM_TLV.message_payload, value: bytes }]] };
  }
  const total = parts.length;
  if (mode === 'sar') {
    const ref = Buffer.alloc(2);
    ref.writeUInt16BE(opts.reference & 0xffff, 0);
    const tlvs = parts.map((_, i) => [
      { tag: SM_TLV.sar_msg_ref_num, value: ref },
      { tag: SM_TLV.sar_total_segments, value: Buffer.from([total]) },
      { tag: SM_TLV.sar_segment_seqnum, value: Buffer.from([i + 1]) },
    ]);
    return { ok: true, dataCoding: encoding.dcs, esmClass: 0, segments: parts.map(([a, b]) => bytes.subarray(a, b)), units, tlvs };
  }
  // the sequence number (0 here) is the concatenation IE's last octet
  const concat = mode === 'udh16'
    ? [0x08, 0x04, (opts.reference >> 8) & 0xff, opts.reference & 0xff, total, 0]
    : [0x00, 0x03, opts.reference & 0xff, total, 0];
  const udh = [concat.length + ies.length, ...concat, ...ies];
  const segments = parts.map(([start, end], i) => {
    const part = Buffer.allocUnsafe(udh.length + end - start);
    for (let k = 0; k < udh.length; k++) part[k] = udh[k]!;
    part[concat.length] = i + 1;
    bytes.copy(part, udh.length, start, end);
    return part;
  });
  return { ok: true, dataCoding: encoding.dcs, esmClass: ESM_CLASS_UDHI, segments, units };
}
