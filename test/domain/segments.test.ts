import { describe, expect, it } from 'vitest';
import type { CharsetName } from '../../src/config/advanced-schema.js';
import { encode } from '../../src/domain/charsets.js';
import { segmentMessage, type SegmentedMessage } from '../../src/domain/segments.js';

const DCS: Record<CharsetName, number> = {
  gsm_0338: 0, ASCII: 1, 'ISO-8859-1': 3, JIS0201: 5, 'ISO-8859-5': 6, 'ISO-8859-8': 7, 'utf-16be': 8,
};

function split(text: string, charset: CharsetName, reference = 0x2a): SegmentedMessage {
  const result = segmentMessage(text, { charset, dcs: DCS[charset] }, { reference });
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** Payload of each part without its UDH, as the charset's text. */
function bodies(result: SegmentedMessage): number[] {
  const udh = result.segments.length > 1 ? 6 : 0;
  return result.segments.map((s) => s.length - udh);
}

describe('segment counts at the single/multi limits', () => {
  const cases: Array<{ name: string; text: string; charset: CharsetName; parts: number; units: number }> = [
    { name: '160 GSM septets fit one part', text: 'a'.repeat(160), charset: 'gsm_0338', parts: 1, units: 160 },
    { name: '161 GSM septets need two', text: 'a'.repeat(161), charset: 'gsm_0338', parts: 2, units: 161 },
    { name: '306 GSM septets = 2 × 153', text: 'a'.repeat(306), charset: 'gsm_0338', parts: 2, units: 306 },
    { name: '307 GSM septets need three', text: 'a'.repeat(307), charset: 'gsm_0338', parts: 3, units: 307 },
    { name: '80 € = 160 septets fit one part', text: '€'.repeat(80), charset: 'gsm_0338', parts: 1, units: 160 },
    { name: '140 Latin-1 octets fit one part', text: 'é'.repeat(140), charset: 'ISO-8859-1', parts: 1, units: 140 },
    { name: '141 Latin-1 octets need two', text: 'é'.repeat(141), charset: 'ISO-8859-1', parts: 2, units: 141 },
    { name: '70 UCS2 units fit one part', text: 'й'.repeat(70), charset: 'utf-16be', parts: 1, units: 70 },
    { name: '71 UCS2 units need two', text: 'й'.repeat(71), charset: 'utf-16be', parts: 2, units: 71 },
    { name: '134 UCS2 units = 2 × 67', text: 'й'.repeat(134), charset: 'utf-16be', parts: 2, units: 134 },
    { name: 'empty text is one empty part', text: '', charset: 'gsm_0338', parts: 1, units: 0 },
  ];
  it.each(cases)('$name', ({ text, charset, parts, units }) => {
    const result = split(text, charset);
    expect(result.segments).toHaveLength(parts);
    expect(result.units).toBe(units);
    expect(result.esmClass).toBe(parts > 1 ? 0x40 : 0);
    expect(result.dataCoding).toBe(DCS[charset]);
  });
});

describe('characters are never split across parts', () => {
  it('a GSM escape pair landing on septets 153/154 moves whole to the next part', () => {
    const result = split(`${'a'.repeat(152)}€${'b'.repeat(10)}`, 'gsm_0338');
    expect(bodies(result)).toEqual([152, 12]);
    expect(result.segments[1]?.subarray(6, 8).toString('hex')).toBe('1b65');
  });

  it('an escape pair ending exactly on septet 153 stays in the first part', () => {
    const result = split(`${'a'.repeat(151)}€${'b'.repeat(10)}`, 'gsm_0338');
    expect(bodies(result)).toEqual([153, 10]);
  });

  it('an emoji on UTF-16 units 67/68 moves whole to the next part', () => {
    const result = split(`${'й'.repeat(66)}😀${'ж'.repeat(10)}`, 'utf-16be');
    expect(bodies(result)).toEqual([132, 24]);
    expect(result.segments[1]?.subarray(6, 10).toString('hex')).toBe('d83dde00');
  });

  it('an emoji ending exactly on unit 67 stays in the first part', () => {
    const result = split(`${'й'.repeat(65)}😀${'ж'.repeat(10)}`, 'utf-16be');
    expect(bodies(result)).toEqual([134, 20]);
  });

  it('the parts concatenate back to the encoded text', () => {
    const text = '{'.repeat(200); // 400 septets: a pair starts at septet 153 of every part
    const result = split(text, 'gsm_0338');
    expect(bodies(result)).toEqual([152, 152, 96]);
    const joined = Buffer.concat(result.segments.map((s) => s.subarray(6)));
    expect(joined.equals(encode(text, 'gsm_0338') as Buffer)).toBe(true);
  });
});

describe('concatenation UDH', () => {
  it('writes 05 00 03 ref total seq on every part, reference taken mod 256', () => {
    const result = split('a'.repeat(400), 'gsm_0338', 0x1ff);
    expect(result.segments.map((s) => s.subarray(0, 6).toString('hex'))).toEqual(['050003ff0301', '050003ff0302', '050003ff0303']);
  });

  it('a single part carries no UDH', () => {
    expect(split('hello', 'gsm_0338').segments[0]?.toString('hex')).toBe('68656c6c6f');
  });

  it('uses pre-encoded bytes when given', () => {
    const bytes = Buffer.from('0041', 'hex');
    const result = segmentMessage('ignored', { charset: 'utf-16be', dcs: 8, bytes }, { reference: 1 });
    expect(result.ok && result.segments[0]).toEqual(bytes);
  });
});

describe('errors are returned, not thrown', () => {
  it('over 255 parts is TOO_MANY_SEGMENTS', () => {
    expect(split('a'.repeat(153 * 255), 'gsm_0338').segments).toHaveLength(255);
    expect(segmentMessage('a'.repeat(153 * 255 + 1), { charset: 'gsm_0338', dcs: 0 }, { reference: 1 })).toMatchObject({
      ok: false,
      code: 'TOO_MANY_SEGMENTS',
    });
  });

  it('text the charset cannot carry is UNENCODABLE', () => {
    expect(segmentMessage('😀', { charset: 'gsm_0338', dcs: 0 }, { reference: 1 })).toMatchObject({ ok: false, code: 'UNENCODABLE' });
  });
});
