// Outbound charset choice and strict encoders. Every encoder REPORTS text it cannot represent
// (returns undefined) instead of substituting '?' or ' ', because the ordered preference list only
// works if "cannot encode" is visible: the next charset in the list must get its turn.
// Runs for every outbound message: char-code table lookups, no regexes, no try/catch.
import iconv from 'iconv-lite';
import type { CharsetEntry, CharsetName } from '../config/index.js';
import { GSM_DECODE_BASIC, GSM_DECODE_EXTENSION, GSM_ESCAPE, GSM_SAME_AS_ASCII, gsmLookup } from './gsm-0338.js';

export interface EncodingChoice {
  readonly charset: CharsetName;
  /** data_coding to send, from the integration's charset list (not derived from the charset). */
  readonly dcs: number;
  /** Length in the charset's segment unit: GSM septets (escapes count 2), octets, or UTF-16 code units. */
  readonly units: number;
  /** The encoded text: unpacked septets (one per octet) for GSM, UTF-16BE for utf-16be. */
  readonly bytes: Buffer;
}

export interface DecodeResult {
  readonly text: string;
  /** Some octets had no character in the charset and became U+FFFD (or an odd UTF-16 byte was dropped). */
  readonly lossy: boolean;
}

const REPLACEMENT = '\ufffd';

// ISO-8859-5/-8 tables come from iconv-lite, turned into exact lookups once at load: iconv's own
// encoder writes '?' for unmappable characters, so a round trip per message would be needed to see
// failures; the reverse table answers the same question in one pass without the decode.
interface SingleByteTable { readonly decode: string; readonly encode: ReadonlyMap<number, number> }

function singleByteTable(name: string): SingleByteTable {
  if (!iconv.encodingExists(name)) throw new Error(`iconv-lite lacks ${name}`);
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const decode = iconv.decode(all, name);
  const encode = new Map<number, number>();
  for (let i = 0; i < 256; i++) {
    const code = decode.charCodeAt(i);
    if (decode[i] !== REPLACEMENT) encode.set(code, i);
  }
  return { decode, encode };
}

const ISO_8859_5 = singleByteTable('iso-8859-5');
const ISO_8859_8 = singleByteTable('iso-8859-8');

// JIS X 0201 (Roman + half-width katakana), by hand: iconv-lite only has it inside Shift_JIS, whose
// 0x5C/0x7E follow WHATWG (backslash, tilde) rather than JIS X 0201's ¥ and ‾.
const JIS_YEN = 0xa5;
const JIS_OVERLINE = 0x203e;
const HALFWIDTH_FIRST = 0xff61; // ｡ at 0xA1 … ﾟ at 0xDF

function jis0201Byte(code: number): number {
  if (code < 0x80) return code === 0x5c || code === 0x7e ? -1 : code;
  if (code === JIS_YEN) return 0x5c;
  if (code === JIS_OVERLINE) return 0x7e;
  if (code >= HALFWIDTH_FIRST && code <= HALFWIDTH_FIRST + 0x3e) return code - HALFWIDTH_FIRST + 0xa1;
  return -1;
}

const JIS0201_DECODE: string = (() => {
  const chars: string[] = [];
  for (let b = 0; b < 256; b++) {
    if (b === 0x5c) chars.push('¥');
    else if (b === 0x7e) chars.push('‾');
    else if (b < 0x80) chars.push(String.fromCharCode(b));
    else if (b >= 0xa1 && b <= 0xdf) chars.push(String.fromCharCode(b - 0xa1 + HALFWIDTH_FIRST));
    else chars.push(REPLACEMENT);
  }
  return chars.join('');
})();

/** Every code unit is below `limit` (one pass, stops at the first that is not). */
function allBelow(text: string, limit: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= limit) return false;
  return true;
}

/** Fast path: every character is one whose GSM septet equals its ASCII code (letters, digits, most punctuation). */
function isPlainGsmAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || GSM_SAME_AS_ASCII[c] !== 1) return false;
  }
  return true;
}

function encodeGsm(text: string): Buffer | undefined {
  if (isPlainGsmAscii(text)) return Buffer.from(text, 'latin1'); // native copy
  // One pass into room for the worst case (every character an escape pair), then trim.
  const out = Buffer.allocUnsafe(text.length * 2);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = gsmLookup(text.charCodeAt(i));
    if (v < 0) return undefined;
    if (v > 0xff) {
      out[o++] = GSM_ESCAPE;
      out[o++] = v & 0x7f;
    } else {
      out[o++] = v;
    }
  }
  return out.subarray(0, o);
}

/** Check before allocating: most calls are refusals on the way down the preference list. */
function encodeSingleByte(text: string, toByte: (code: number) => number): Buffer | undefined {
  for (let i = 0; i < text.length; i++) if (toByte(text.charCodeAt(i)) < 0) return undefined;
  const out = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) out[i] = toByte(text.charCodeAt(i));
  return out;
}

const iso5Byte = (code: number): number => (code < 0x80 ? code : ISO_8859_5.encode.get(code) ?? -1);
const iso8Byte = (code: number): number => (code < 0x80 ? code : ISO_8859_8.encode.get(code) ?? -1);

/** Lone surrogates are not text a handset can show: refuse them rather than send garbage. */
function wellFormedUtf16(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Encode text in a charset, or undefined when any character is not representable. */
export function encode(text: string, charset: CharsetName): Buffer | undefined {
  switch (charset) {
    case 'gsm_0338':
      return encodeGsm(text);
    case 'ASCII':
      return allBelow(text, 0x80) ? Buffer.from(text, 'latin1') : undefined;
    case 'ISO-8859-1':
      return allBelow(text, 0x100) ? Buffer.from(text, 'latin1') : undefined;
    case 'JIS0201':
      return encodeSingleByte(text, jis0201Byte);
    case 'ISO-8859-5':
      return encodeSingleByte(text, iso5Byte);
    case 'ISO-8859-8':
      return encodeSingleByte(text, iso8Byte);
    case 'utf-16be':
      return wellFormedUtf16(text) ? Buffer.from(text, 'utf16le').swap16() : undefined;
  }
}

/** Whether every character of the text is representable in the charset (no allocation for GSM/ASCII/Latin-1). */
export function canEncode(text: string, charset: CharsetName): boolean {
  switch (charset) {
    case 'gsm_0338':
      for (let i = 0; i < text.length; i++) if (gsmLookup(text.charCodeAt(i)) < 0) return false;
      return true;
    case 'ASCII':
      return allBelow(text, 0x80);
    case 'ISO-8859-1':
      return allBelow(text, 0x100);
    case 'utf-16be':
      return wellFormedUtf16(text);
    default:
      return encode(text, charset) !== undefined;
  }
}

/** Segment units of an encoded text: septets / octets are bytes; UCS2 counts 16-bit units. */
export function unitsOf(bytes: Buffer, charset: CharsetName): number {
  return charset === 'utf-16be' ? bytes.length >> 1 : bytes.length;
}

const CHARSET_BIT: Record<CharsetName, number> = {
  gsm_0338: 0, ASCII: 1, 'ISO-8859-1': 2, JIS0201: 3, 'ISO-8859-5': 4, 'ISO-8859-8': 5, 'utf-16be': 6,
};

/**
 * The first entry of the ordered preference list that can encode the WHOLE text, with the bytes.
 * undefined when none can (the caller rejects the message: nothing is ever substituted).
 */
export function chooseEncoding(text: string, charsets: readonly CharsetEntry[]): EncodingChoice | undefined {
  let tried = 0; // bitmask over charsets already refused (the default list names gsm_0338 twice)
  for (const entry of charsets) {
    const bit = 1 << CHARSET_BIT[entry.charset];
    if (tried & bit) continue;
    const bytes = encode(text, entry.charset);
    if (bytes) return { charset: entry.charset, dcs: entry.dcs, units: unitsOf(bytes, entry.charset), bytes };
    tried |= bit;
  }
  return undefined;
}

/**
 * Unpacked septets through a basic table (the default alphabet or a national locking shift table) and
 * the table ESC selects (the extension table or a national single shift table).
 */
export function decodeSeptets(
  buf: Uint8Array,
  basic: readonly string[] = GSM_DECODE_BASIC,
  extension: ReadonlyMap<number, string> = GSM_DECODE_EXTENSION,
): DecodeResult {
  const units = scratch(buf.length);
  let n = 0;
  let lossy = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b === GSM_ESCAPE) {
      const next = buf[i + 1];
      // A dangling or doubled escape has no character: 23.038 says show a space.
      if (next === undefined || next === GSM_ESCAPE) { units[n++] = 0x20; i++; continue; }
      i++;
      // 23.038: an unknown extension code shows the basic-table character instead.
      n = put(units, n, extension.get(next) ?? basic[next] ?? REPLACEMENT);
      if (next > 0x7f) lossy = true;
    } else if (b > 0x7f) {
      units[n++] = 0xfffd;
      lossy = true;
    } else {
      n = put(units, n, basic[b]!);
    }
  }
  return { text: utf16(units, n), lossy };
}

function decodeTable(buf: Uint8Array, table: string): DecodeResult {
  const units = scratch(buf.length);
  let lossy = false;
  for (let i = 0; i < buf.length; i++) {
    const u = table.charCodeAt(buf[i] as number);
    if (u === 0xfffd) lossy = true;
    units[i] = u;
  }
  return { text: utf16(units, buf.length), lossy };
}

// Decoded text is built as UTF-16 code units in one reused buffer and turned into a string by one native
// call: `text += char` made a new string per character (~4 KB of garbage for a 100-character receipt,
// the largest allocation of the receipt path in the production benchmark's heap profile).
let units = new Uint16Array(256);
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true }); // a leading U+FEFF is text here, not a BOM

/** the scratch buffer, with room for `chars` table entries (an entry is at most 2 code units) */
function scratch(chars: number): Uint16Array {
  if (units.length < 2 * chars) units = new Uint16Array(2 * chars);
  return units;
}

function put(into: Uint16Array, at: number, s: string): number {
  into[at] = s.charCodeAt(0);
  if (s.length === 1) return at + 1;
  for (let k = 1; k < s.length; k++) into[at + k] = s.charCodeAt(k);
  return at + s.length;
}

function utf16(from: Uint16Array, n: number): string {
  return n === 0 ? '' : UTF16.decode(from.subarray(0, n));
}

function sameAsAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (GSM_SAME_AS_ASCII[bytes[i]!] !== 1) return false; // undefined past 0x7f
  return true;
}

const ASCII_DECODE: string = (() => {
  let s = '';
  for (let b = 0; b < 256; b++) s += b < 0x80 ? String.fromCharCode(b) : REPLACEMENT;
  return s;
})();

/** Decode octets in a charset. Never throws: unmapped octets become U+FFFD and set `lossy`. */
export function decode(buf: Uint8Array, charset: CharsetName): DecodeResult {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (charset) {
    case 'gsm_0338':
      // receipts and most MO texts are letters, digits, spaces and punctuation that GSM codes as ASCII does:
      // one native call instead of a table lookup per septet (~0.3 against ~5 µs for a receipt's text)
      return sameAsAscii(bytes) ? { text: bytes.toString('latin1'), lossy: false } : decodeSeptets(bytes);
    case 'ASCII':
      return decodeTable(bytes, ASCII_DECODE);
    case 'ISO-8859-1':
      return { text: bytes.toString('latin1'), lossy: false };
    case 'JIS0201':
      return decodeTable(bytes, JIS0201_DECODE);
    case 'ISO-8859-5':
      return decodeTable(bytes, ISO_8859_5.decode);
    case 'ISO-8859-8':
      return decodeTable(bytes, ISO_8859_8.decode);
    case 'utf-16be': {
      const even = bytes.length & ~1;
      const copy = Buffer.from(bytes.subarray(0, even)).swap16();
      return { text: copy.toString('utf16le'), lossy: even !== bytes.length };
    }
  }
}
