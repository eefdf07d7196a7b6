// Inbound (deliver_sm) text: strip the UDH when esm_class says there is one, report the
// concatenation info, and decode the rest by data_coding. Never throws: odd input comes back flagged.
import type { CharsetEntry, CharsetName } from '../config/index.js';
import { decode } from './charsets.js';
import { ESM_CLASS_UDHI } from './segments.js';
import { IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT, NATIONAL_TABLES, languageOfCode } from './national-tables.js';
import { decodeNational, type ShiftPair } from './national-gsm.js';

export interface ConcatInfo {
  readonly reference: number;
  readonly total: number;
  /** 1-based part number. */
  readonly sequence: number;
  /** 8 for IEI 0x00, 16 for IEI 0x08 and for the SAR TLVs. */
  readonly referenceBits: 8 | 16;
}

export interface UdhSplit {
  /** The whole UDH including its length octet, when one was stripped. */
  readonly udh?: Buffer;
  readonly concat?: ConcatInfo;
  /** National language identifiers of IEs 0x24 (single shift) / 0x25 (locking shift), when present. */
  readonly shift?: { readonly single?: number; readonly locking?: number };
  /** The user data after the UDH (all of it when there is none). */
  readonly payload: Buffer;
  /** UDHI was set but the header did not fit: nothing was stripped. */
  readonly malformed: boolean;
}

const IEI_CONCAT_8 = 0x00;
const IEI_CONCAT_16 = 0x08;

function validConcat(c: ConcatInfo): ConcatInfo | undefined {
  return c.total >= 1 && c.sequence >= 1 && c.sequence <= c.total ? c : undefined;
}

/** Split off the UDH (esm_class UDHI 0x40) and read IEI 0x00 / 0x08 concatenation. */
export function splitUdh(shortMessage: Uint8Array, esmClass: number): UdhSplit {
  const buf = Buffer.from(shortMessage.buffer, shortMessage.byteOffset, shortMessage.byteLength);
  if ((esmClass & ESM_CLASS_UDHI) === 0) return { payload: buf, malformed: false };
  const udhl = buf[0];
  if (udhl === undefined || 1 + udhl > buf.length) return { payload: buf, malformed: true };

  const end = 1 + udhl;
  let concat: ConcatInfo | undefined;
  let shift: { single?: number; locking?: number } | undefined;
  for (let i = 1; i < end; ) {
    const iei = buf[i] as number;
    const len = buf[i + 1];
    if (len === undefined || i + 2 + len > end) return { payload: buf, malformed: true };
    const d = i + 2;
    if (iei === IEI_CONCAT_8 && len === 3) {
      concat = validConcat({ reference: buf[d] as number, total: buf[d + 1] as number, sequence: buf[d + 2] as number, referenceBits: 8 });
    } else if (iei === IEI_CONCAT_16 && len === 4) {
      concat = validConcat({ reference: buf.readUInt16BE(d), total: buf[d + 2] as number, sequence: buf[d + 3] as number, referenceBits: 16 });
    } else if (iei === IEI_SINGLE_SHIFT && len === 1) {
      shift = { ...shift, single: buf[d] as number };
    } else if (iei === IEI_LOCKING_SHIFT && len === 1) {
      shift = { ...shift, locking: buf[d] as number };
    }
    i = d + len;
  }
  return { udh: buf.subarray(0, end), ...(concat ? { concat } : {}), ...(shift ? { shift } : {}), payload: buf.subarray(end), malformed: false };
}

/** Octet-unspecified data codings (SMPP 2 and 4): not text. */
const BINARY_DATA_CODINGS: ReadonlySet<number> = new Set([2, 4]);
/** Data codings with one meaning in SMPP 3.4, used when the integration's list does not name them. */
const BUILT_IN: ReadonlyMap<number, CharsetName> = new Map<number, CharsetName>([
  [0, 'gsm_0338'], [1, 'ASCII'], [3, 'ISO-8859-1'], [5, 'JIS0201'], [6, 'ISO-8859-5'], [7, 'ISO-8859-8'], [8, 'utf-16be'],
]);

/**
 * Charset for an inbound data_coding. The integration's charset list speaks first, so an SMSC whose
 * DC 0 means Latin-1 is handled by configuring { dcs: 0, charset: 'ISO-8859-1' } — except DC 2/4,
 * which are binary whatever an outbound list labels them (the default list puts gsm_0338 on DC 2).
 * GSM 03.38 message-class codings 0xF0–0xF3 are 7-bit text, 0xF4–0xF7 8-bit data.
 */
export function charsetForDataCoding(
  dataCoding: number,
  charsets: readonly CharsetEntry[] = [],
): CharsetName | 'binary' | undefined {
  if (BINARY_DATA_CODINGS.has(dataCoding)) return 'binary';
  if (dataCoding >= 0xf0) return dataCoding & 0x04 ? 'binary' : 'gsm_0338';
  const configured = charsets.find((c) => c.dcs === dataCoding);
  return configured?.charset ?? BUILT_IN.get(dataCoding);
}

/** unknown_national_table: a shift IE named a table we do not have; the default table was used (23.038: a non-supporting receiver ignores it) */
export type InboundFlag = 'binary' | 'unknown_data_coding' | 'lossy' | 'malformed_udh' | 'unknown_national_table';

export interface InboundText {
  /** Decoded text; lower-case hex for binary payloads. */
  readonly text: string;
  readonly encoding: CharsetName | 'binary';
  readonly dataCoding: number;
  readonly concat?: ConcatInfo;
  readonly flags: readonly InboundFlag[];
}

export interface InboundInput {
  /** short_message, or message_payload when that carried the text. */
  readonly shortMessage: Uint8Array;
  readonly dataCoding: number;
  readonly esmClass: number;
  /** The integration's charset list (advanced config). */
  readonly charsets?: readonly CharsetEntry[];
  /** sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs, used when there is no UDH concat. */
  readonly sar?: { readonly reference: number; readonly total: number; readonly sequence: number };
}

/** Decode an inbound message. Unknown data codings are read as Latin-1 and flagged. */
export function decodeInbound(input: InboundInput): InboundText {
  const flags: InboundFlag[] = [];
  const split = splitUdh(input.shortMessage, input.esmClass);
  if (split.malformed) flags.push('malformed_udh');
  const concat = split.concat ?? (input.sar ? validConcat({ ...input.sar, referenceBits: 16 }) : undefined);

  const charset = charsetForDataCoding(input.dataCoding, input.charsets);
  let text: string;
  let encoding: InboundText['encoding'];
  if (charset === 'binary') {
    flags.push('binary');
    text = split.payload.toString('hex');
    encoding = 'binary';
  } else {
    if (charset === undefined) flags.push('unknown_data_coding');
    const pair = charset === 'gsm_0338' && split.shift ? shiftPairOf(split.shift, flags) : undefined;
    const decoded = pair ? decodeNational(split.payload, pair) : decode(split.payload, charset ?? 'ISO-8859-1');
    if (decoded.lossy) flags.push('lossy');
    text = decoded.text;
    encoding = charset ?? 'ISO-8859-1';
  }
  // literals, not `{ ...base, text, … }`: in Node 20 a spread followed by new properties takes V8's slow
  // path, and that was ~4 of this function's ~5 µs for every receipt and MO (docs/performance.md)
  return concat ? { dataCoding: input.dataCoding, concat, text, encoding, flags } : { dataCoding: input.dataCoding, text, encoding, flags };
}

/** The tables a part's shift IEs name; an identifier we have no table for (or 0) keeps the default. */
function shiftPairOf(ids: { readonly single?: number; readonly locking?: number }, flags: InboundFlag[]): ShiftPair | undefined {
  const single = ids.single ? languageOfCode(ids.single) : undefined;
  const named = ids.locking ? languageOfCode(ids.locking) : undefined;
  const locking = named && NATIONAL_TABLES[named].locking ? named : undefined; // Spanish has none
  if ((ids.single && !single) || (ids.locking && !locking)) flags.push('unknown_national_table');
  return single || locking ? { ...(single ? { single } : {}), ...(locking ? { locking } : {}) } : undefined;
}
