import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { CharsetName } from '../../src/config/advanced-schema.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import { canEncode, chooseEncoding, decode, encode } from '../../src/domain/charsets.js';

const hex = (b: Buffer | undefined): string | undefined => b?.toString('hex');

describe('encode: each charset takes text it can represent and refuses the rest', () => {
  const cases: Array<{ charset: CharsetName; fits: string; bytes: string; refuses: string }> = [
    { charset: 'gsm_0338', fits: '@£$¥ΔÉ_', bytes: '00010203101f11', refuses: 'ç' },
    { charset: 'gsm_0338', fits: 'a{€}', bytes: '611b281b651b29', refuses: '`' },
    { charset: 'ASCII', fits: 'Hi ~\\', bytes: '4869207e5c', refuses: 'é' },
    { charset: 'ISO-8859-1', fits: 'café ÿ', bytes: '636166e920ff', refuses: '€' },
    { charset: 'JIS0201', fits: 'A¥‾ｱﾟ', bytes: '415c7eb1df', refuses: '\\' },
    { charset: 'ISO-8859-5', fits: 'Жж№', bytes: 'b6d6f0', refuses: 'é' },
    { charset: 'ISO-8859-8', fits: 'שלום', bytes: 'f9ece5ed', refuses: 'Ж' },
    { charset: 'utf-16be', fits: 'Aй😀', bytes: '00410439d83dde00', refuses: '\ud83d' },
  ];
  it.each(cases)('$charset encodes "$fits" and refuses "$refuses"', ({ charset, fits, bytes, refuses }) => {
    expect(hex(encode(fits, charset))).toBe(bytes);
    expect(canEncode(fits, charset)).toBe(true);
    expect(encode(`ok${refuses}`, charset)).toBeUndefined();
    expect(canEncode(`ok${refuses}`, charset)).toBe(false);
  });

  it.each(cases)('$charset decodes what it encoded', ({ charset, fits }) => {
    const bytes = encode(fits, charset);
    expect(bytes).toBeDefined();
    expect(decode(bytes as Buffer, charset)).toEqual({ text: fits, lossy: false });
  });

  it('GSM extension characters are escape pairs, unpacked one septet per octet', () => {
    expect(hex(encode('^{}\\[~]|€\f', 'gsm_0338'))).toBe('1b141b281b291b2f1b3c1b3d1b3e1b401b651b0a');
  });

  it('GSM fast path (plain ASCII) and table path give the septets of the standard table', () => {
    expect(hex(encode('Hello, world?', 'gsm_0338'))).toBe(Buffer.from('Hello, world?', 'latin1').toString('hex'));
    expect(hex(encode('$5 @home', 'gsm_0338'))).toBe('023520'.concat('00686f6d65'));
  });

  it('unmapped iconv bytes (ISO-8859-8 0xA1) decode as U+FFFD and say so', () => {
    expect(decode(Buffer.from([0x41, 0xa1]), 'ISO-8859-8')).toEqual({ text: 'A\ufffd', lossy: true });
  });

  it('GSM decode: unknown extension shows the basic character, dangling escape a space, high octet U+FFFD', () => {
    expect(decode(Buffer.from([0x1b, 0x41]), 'gsm_0338').text).toBe('A');
    expect(decode(Buffer.from([0x41, 0x1b]), 'gsm_0338').text).toBe('A ');
    expect(decode(Buffer.from([0x80]), 'gsm_0338')).toEqual({ text: '\ufffd', lossy: true });
  });

  it('UTF-16BE decode drops an odd trailing octet and flags it', () => {
    expect(decode(Buffer.from([0x00, 0x41, 0x00]), 'utf-16be')).toEqual({ text: 'A', lossy: true });
  });
});

describe('chooseEncoding: the first charset of the ordered list that fits the WHOLE text wins', () => {
  const defaults = DEFAULT_ADVANCED_CONFIG.charsets;
  const cases: Array<{ name: string; text: string; charset: CharsetName; dcs: number; units: number }> = [
    { name: 'plain ASCII', text: 'Hello', charset: 'gsm_0338', dcs: 0, units: 5 },
    { name: 'GSM with an escape', text: 'Cost: 5€', charset: 'gsm_0338', dcs: 0, units: 9 },
    { name: 'backtick is not GSM but is ASCII', text: 'a`b', charset: 'ASCII', dcs: 1, units: 3 },
    { name: 'Latin-1 only', text: 'façade', charset: 'ISO-8859-1', dcs: 3, units: 6 },
    { name: 'half-width katakana', text: 'ｱｲｳ', charset: 'JIS0201', dcs: 5, units: 3 },
    { name: 'Cyrillic', text: 'Привет', charset: 'ISO-8859-5', dcs: 6, units: 6 },
    { name: 'Hebrew', text: 'שלום', charset: 'ISO-8859-8', dcs: 7, units: 4 },
    { name: 'emoji counts 2 UTF-16 units', text: 'hi 😀', charset: 'utf-16be', dcs: 8, units: 5 },
    { name: 'mixed scripts fall through to UCS2', text: 'Привет שלום', charset: 'utf-16be', dcs: 8, units: 11 },
  ];
  it.each(cases)('$name → $charset (dcs $dcs, $units units)', ({ text, charset, dcs, units }) => {
    const choice = chooseEncoding(text, defaults);
    expect(choice).toMatchObject({ charset, dcs, units });
    expect(choice?.bytes.equals(encode(text, charset) as Buffer)).toBe(true);
  });

  it('honours a custom order and dcs', () => {
    const list = [{ dcs: 3, charset: 'ISO-8859-1' as const }, { dcs: 0, charset: 'gsm_0338' as const }];
    expect(chooseEncoding('Hello', list)).toMatchObject({ charset: 'ISO-8859-1', dcs: 3 });
  });

  it('returns undefined when no listed charset fits (nothing is substituted)', () => {
    expect(chooseEncoding('😀', [{ dcs: 0, charset: 'gsm_0338' }, { dcs: 1, charset: 'ASCII' }])).toBeUndefined();
  });
});

describe('iconv-derived tables refuse exactly what an iconv round trip would lose', () => {
  it.each([
    ['ISO-8859-5', 'iso-8859-5'],
    ['ISO-8859-8', 'iso-8859-8'],
    ['ISO-8859-1', 'iso-8859-1'],
  ] as const)('%s over U+0000–U+2FFF', (charset, iconvName) => {
    const mismatches: string[] = [];
    for (let code = 0; code < 0x3000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      const roundTrips = iconv.decode(iconv.encode(ch, iconvName), iconvName) === ch;
      if (canEncode(ch, charset) !== roundTrips) mismatches.push(code.toString(16));
    }
    expect(mismatches).toEqual([]);
  });
});
