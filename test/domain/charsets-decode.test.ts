// The decoders build UTF-16 code units in a reused buffer (charsets.ts): they must give exactly what the
// character-by-character reading gives, for every octet, escape, table and length, call after call.
import { describe, expect, it } from 'vitest';
import { CHARSET_NAMES, NATIONAL_LANGUAGES } from '../../src/config/index.js';
import { decode, decodeNational, decodeSeptets, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION, NATIONAL_TABLES } from '../../src/domain/index.js';

const REPLACEMENT = '\ufffd';
const ESC = 0x1b;

/** the reading the decoders replaced: one character at a time */
function referenceSeptets(buf: Uint8Array, basic: readonly string[], extension: ReadonlyMap<number, string>): { text: string; lossy: boolean } {
  let text = '';
  let lossy = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === ESC) {
      const next = buf[i + 1];
      if (next === undefined || next === ESC) { text += ' '; i++; continue; }
      i++;
      text += extension.get(next) ?? basic[next] ?? REPLACEMENT;
      if (next > 0x7f) lossy = true;
    } else if (b > 0x7f) {
      text += REPLACEMENT;
      lossy = true;
    } else {
      text += basic[b];
    }
  }
  return { text, lossy };
}

/** a deterministic pseudo-random octet source, so a failure names its seed */
function octets(seed: number, length: number, escapes: boolean): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const r = (x >>> 0) % 256;
    out[i] = escapes && r % 9 === 0 ? ESC : r;
  }
  return out;
}

const LENGTHS = [0, 1, 2, 13, 160, 255, 300, 4_000];

describe('decodeSeptets', () => {
  it('reads every octet and every escape pair as the default tables say', () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(decodeSeptets(all)).toEqual(referenceSeptets(all, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION));
    for (let b = 0; b < 256; b++) {
      const pair = Uint8Array.of(ESC, b);
      expect(decodeSeptets(pair), `ESC ${b}`).toEqual(referenceSeptets(pair, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION));
    }
    expect(decodeSeptets(Uint8Array.of(0x41, ESC))).toEqual({ text: 'A ', lossy: false });
  });

  it('matches the character-by-character reading for random octets of many lengths, long after short', () => {
    for (const length of [...LENGTHS, ...LENGTHS.reverse()]) {
      for (let seed = 1; seed <= 20; seed++) {
        const buf = octets(seed * 7919 + length, length, true);
        expect(decodeSeptets(buf), `seed ${seed}, ${length} octets`).toEqual(referenceSeptets(buf, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION));
      }
    }
  });

  it.each(NATIONAL_LANGUAGES)('reads the %s tables as the character-by-character reading does', (language) => {
    const tables = NATIONAL_TABLES[language];
    const basic = tables.locking ?? GSM_DECODE_BASIC;
    const single = tables.single ?? GSM_DECODE_EXTENSION;
    for (let seed = 1; seed <= 20; seed++) {
      const buf = octets(seed, 200, true);
      const pair = { ...(tables.locking ? { locking: language } : {}), single: language };
      expect(decodeNational(buf, pair), `seed ${seed}`).toEqual(referenceSeptets(buf, basic, single));
    }
  });
});

describe('decode (single-byte tables)', () => {
  it.each(CHARSET_NAMES.filter((c) => c !== 'gsm_0338' && c !== 'utf-16be'))('%s: every octet, as one string or one at a time', (charset) => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    const whole = decode(all, charset);
    const oneByOne = [...all].map((b) => decode(Uint8Array.of(b), charset));
    expect(whole.text).toBe(oneByOne.map((d) => d.text).join(''));
    expect(whole.text).toHaveLength(256);
    expect(whole.lossy).toBe(whole.text.includes(REPLACEMENT));
    expect(oneByOne.every((d) => d.lossy === (d.text === REPLACEMENT))).toBe(true);
  });

  it('keeps a decoded U+FEFF as text: the buffer is not read for a byte order mark', () => {
    expect(decode(Uint8Array.of(0xfe, 0xff, 0x00, 0x41), 'utf-16be').text).toBe('\ufeffA');
  });
});

describe("decode('gsm_0338'): the shortcut for text GSM codes as ASCII does", () => {
  it('gives the table reading for every octet, alone and between ASCII letters', () => {
    for (let b = 0; b < 256; b++) {
      for (const buf of [Uint8Array.of(b), Uint8Array.of(0x41, b, 0x42)]) {
        expect(decode(buf, 'gsm_0338'), `octet 0x${b.toString(16)}`).toEqual(referenceSeptets(buf, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION));
      }
    }
  });

  it('reads a receipt text as its ASCII characters, and the octets GSM codes otherwise by the table', () => {
    const receipt = 'id:0A1B2C sub:001 dlvrd:001 submit date:2612051510 done date:2612051510 stat:DELIVRD err:000 text:Hello, world!';
    expect(decode(Buffer.from(receipt, 'latin1'), 'gsm_0338')).toEqual({ text: receipt, lossy: false });
    // $ @ [ ] _ ` { } are other characters in the default alphabet: ¤ ¡ Ä Ñ § ¿ ä ñ
    expect(decode(Buffer.from('$@[]_`{}', 'latin1'), 'gsm_0338').text).toBe('¤¡ÄÑ§¿äñ');
  });

  it('gives the table reading for random texts of every length', () => {
    for (const length of LENGTHS) {
      for (let seed = 1; seed <= 10; seed++) {
        const buf = octets(seed * 31 + length, length, true).map((b) => b & 0x7f);
        expect(decode(buf, 'gsm_0338'), `seed ${seed}, ${length} octets`).toEqual(referenceSeptets(buf, GSM_DECODE_BASIC, GSM_DECODE_EXTENSION));
      }
    }
  });
});
