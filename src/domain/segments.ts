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
export const MAX_SEGMENTS = 255;

/** Octets available in short_message: 140 octets = 160 septets (GSM), 140 8-bit, 70 UCS2. */
interface Limits { readonly single: number; readonly multi: number }
// GSM is sent unpacked (one septet per octet, data_coding 0 over SMPP), so its limits are in septets
// = octets here; the SMSC packs them, the 6-octet UDH costing 7 septets → 153 left.
const GSM_LIMITS: Limits = { single: 160, multi: 153 };
const OCTET_LIMITS: Limits = { single: 140, multi: 134 };

export interface EncodedText {
  readonly charset: CharsetName;
  readonly dcs: number;
  /** Already-encoded text (chooseEncoding's `bytes`); encoded here when absent. */
  readonly bytes?: Buffer;
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

/**
 * Split into parts. `reference` (the concat reference number, taken mod 256) is the caller's:
 * it must differ between concurrent multi-part messages to the same handset.
 */
export function segmentMessage(
  text: string,
  encoding: EncodedText,
  opts: { reference: number },
): SegmentedMessage | SegmentError {
  const bytes = encoding.bytes ?? encode(text, encoding.charset);
  if (!bytes) {
    return { ok: false, code: 'UNENCODABLE', message: `text cannot be encoded as ${encoding.charset}` };
  }
  const units = unitsOf(bytes, encoding.charset);
  const limits = encoding.charset === 'gsm_0338' ? GSM_LIMITS : OCTET_LIMITS;
  if (bytes.length <= limits.single) {
    return { ok: true, dataCoding: encoding.dcs, esmClass: 0, segments: [bytes], units };
  }

  const parts: Array<readonly [start: number, end: number]> = [];
  for (let start = 0; start < bytes.length; ) {
    if (parts.length === MAX_SEGMENTS) {
      return {
        ok: false,
        code: 'TOO_MANY_SEGMENTS',
        message: `message needs more than ${MAX_SEGMENTS} segments (${units} units as ${encoding.charset})`,
      };
    }
    const end = cutPoint(bytes, start, limits.multi, encoding.charset);
    parts.push([start, end]);
    start = end;
  }

  const reference = opts.reference & 0xff;
  const total = parts.length;
  const segments = parts.map(([start, end], i) => {
    const part = Buffer.allocUnsafe(CONCAT_UDH_LENGTH + end - start);
    part[0] = 0x05; // UDHL
    part[1] = 0x00; // IEI: concatenated short messages, 8-bit reference
    part[2] = 0x03; // IEDL
    part[3] = reference;
    part[4] = total;
    part[5] = i + 1;
    bytes.copy(part, CONCAT_UDH_LENGTH, start, end);
    return part;
  });
  return { ok: true, dataCoding: encoding.dcs, esmClass: ESM_CLASS_UDHI, segments, units };
}
