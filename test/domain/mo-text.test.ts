import { describe, expect, it } from 'vitest';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import { charsetForDataCoding, decodeInbound, splitUdh } from '../../src/domain/mo-text.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const charsets = DEFAULT_ADVANCED_CONFIG.charsets;

describe('decodeInbound by data_coding', () => {
  const cases: Array<{ name: string; dc: number; sm: string; text: string; encoding: string; flags?: string[] }> = [
    { name: 'DC 0 GSM unpacked with an escape', dc: 0, sm: '48 69 20 1b65 00', text: 'Hi €@', encoding: 'gsm_0338' },
    { name: 'DC 1 ASCII', dc: 1, sm: '4869', text: 'Hi', encoding: 'ASCII' },
    { name: 'DC 3 Latin-1', dc: 3, sm: '636166e9', text: 'café', encoding: 'ISO-8859-1' },
    { name: 'DC 8 UCS2 with a surrogate pair', dc: 8, sm: '0048 d83dde00', text: 'H😀', encoding: 'utf-16be' },
    { name: 'DC 5 JIS X 0201 per table', dc: 5, sm: 'b1b2', text: 'ｱｲ', encoding: 'JIS0201' },
    { name: 'DC 6 ISO-8859-5', dc: 6, sm: 'bfe0d8d2d5e2', text: 'Привет', encoding: 'ISO-8859-5' },
    { name: 'DC 7 ISO-8859-8', dc: 7, sm: 'f9ece5ed', text: 'שלום', encoding: 'ISO-8859-8' },
    { name: 'DC 2 binary → hex', dc: 2, sm: 'cafe', text: 'cafe', encoding: 'binary', flags: ['binary'] },
    { name: 'DC 4 binary → hex', dc: 4, sm: '00ff', text: '00ff', encoding: 'binary', flags: ['binary'] },
    { name: 'DC 0xF1 GSM with message class', dc: 0xf1, sm: '4869', text: 'Hi', encoding: 'gsm_0338' },
    { name: 'DC 0xF5 8-bit with message class', dc: 0xf5, sm: '0102', text: '0102', encoding: 'binary', flags: ['binary'] },
    { name: 'unknown DC → Latin-1, flagged', dc: 0x0e, sm: '41e9', text: 'Aé', encoding: 'ISO-8859-1', flags: ['unknown_data_coding'] },
    { name: 'DC 1 with a high octet, flagged lossy', dc: 1, sm: '41e9', text: 'A\ufffd', encoding: 'ASCII', flags: ['lossy'] },
  ];
  it.each(cases)('$name', ({ dc, sm, text, encoding, flags = [] }) => {
    expect(decodeInbound({ shortMessage: hex(sm), dataCoding: dc, esmClass: 0, charsets })).toEqual({
      text, encoding, dataCoding: dc, flags,
    });
  });

  it('the integration list can say its SMSC means Latin-1 on DC 0', () => {
    const latin = [{ dcs: 0, charset: 'ISO-8859-1' as const }];
    expect(decodeInbound({ shortMessage: hex('e9'), dataCoding: 0, esmClass: 0, charsets: latin }).text).toBe('é');
  });

  it('DC 2 stays binary although the default list labels it gsm_0338', () => {
    expect(charsetForDataCoding(2, charsets)).toBe('binary');
  });
});

describe('UDH stripping (esm_class UDHI 0x40)', () => {
  it('IEI 0x00: 8-bit reference concat', () => {
    const r = decodeInbound({ shortMessage: hex('050003 2a 03 02 4869'), dataCoding: 0, esmClass: 0x40 });
    expect(r).toMatchObject({ text: 'Hi', concat: { reference: 0x2a, total: 3, sequence: 2, referenceBits: 8 }, flags: [] });
  });

  it('IEI 0x08: 16-bit reference concat, UCS2 body', () => {
    const r = decodeInbound({ shortMessage: hex('060804 1234 02 01 0041'), dataCoding: 8, esmClass: 0x40 });
    expect(r).toMatchObject({ text: 'A', concat: { reference: 0x1234, total: 2, sequence: 1, referenceBits: 16 } });
  });

  it('other IEs are skipped, concat still found', () => {
    const split = splitUdh(hex('0b 0504 0b840000 0003 07 02 01 41'), 0x40);
    expect(split).toMatchObject({ concat: { reference: 7, total: 2, sequence: 1 }, malformed: false });
    expect(split.payload.toString('hex')).toBe('41');
  });

  it('no UDHI: the bytes are all text even if they look like a UDH', () => {
    expect(splitUdh(hex('050003010101'), 0).payload).toHaveLength(6);
  });

  it('a UDH longer than the message is left in place and flagged', () => {
    const r = decodeInbound({ shortMessage: hex('0900030101'), dataCoding: 2, esmClass: 0x40 });
    expect(r).toMatchObject({ text: '0900030101', flags: ['malformed_udh', 'binary'] });
  });

  it('invalid concat numbers (seq 0) are not reported', () => {
    expect(splitUdh(hex('050003010200 41'), 0x40).concat).toBeUndefined();
  });

  it('SAR TLVs give the concat info when there is no UDH', () => {
    const r = decodeInbound({ shortMessage: hex('41'), dataCoding: 0, esmClass: 0, sar: { reference: 300, total: 2, sequence: 2 } });
    expect(r.concat).toEqual({ reference: 300, total: 2, sequence: 2, referenceBits: 16 });
  });
});
