// Encoding with national language shift tables, their UDH IEs and part sizes, with the worked
// examples of 3GPP TS 23.038 Annex C (C.2 single shift, C.3 locking shift) as vectors.
import { describe, expect, it } from 'vitest';
import { chooseEncoding, decode } from '../../src/domain/charsets.js';
import { chooseNationalEncoding, decodeNational, encodeNational, shiftIes } from '../../src/domain/national-gsm.js';
import { segmentMessage } from '../../src/domain/segments.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import type { NationalLanguage } from '../../src/config/index.js';

const CHARSETS = DEFAULT_ADVANCED_CONFIG.charsets;
const ALL: NationalLanguage[] = ['turkish', 'spanish', 'portuguese'];
const choose = (text: string, languages: NationalLanguage[] = ALL, longMessage: 'udh8' | 'udh16' | 'sar' | 'payload' = 'udh8') =>
  chooseNationalEncoding(text, chooseEncoding(text, CHARSETS), { languages, charsets: CHARSETS, longMessage });
const hex = (b: Buffer | undefined) => b?.toString('hex');

describe('national language shift tables', () => {
  it('C.2: "Türkçe" with the Turkish single shift table; a receiver without it shows "Türkce"', () => {
    const septets = encodeNational('Türkçe', { single: 'turkish' });
    expect(hex(septets)).toBe('547e726b1b6365'); // ç = ESC 0x63 (A.2.1)
    expect(decode(septets!, 'gsm_0338').text).toBe('Türkce');
    expect(decodeNational(septets!, { single: 'turkish' }).text).toBe('Türkçe');
  });

  it('C.3: with the Turkish locking shift table every Turkish letter is one septet', () => {
    const septets = encodeNational('ĞğŞşİıç', { locking: 'turkish' });
    expect(hex(septets)).toBe('0b0c1c1d400760');
    expect(decodeNational(septets!, { locking: 'turkish' }).text).toBe('ĞğŞşİıç');
  });

  it('ESC under a locking table reaches the single shift table of another language (C.3)', () => {
    const pair = { locking: 'turkish', single: 'spanish' } as const;
    const septets = encodeNational('ıó{', pair);
    expect(hex(septets)).toBe('071b6f1b28');
    expect(decodeNational(septets!, pair).text).toBe('ıó{');
    // an escape code the single shift table lacks shows the locking table's character
    expect(decodeNational(Buffer.from([0x1b, 0x07]), pair).text).toBe('ı');
  });

  it('IEs: single shift 0x24 and locking shift 0x25, one octet of language identifier each', () => {
    expect(shiftIes({ single: 'turkish' })).toEqual([0x24, 1, 1]);
    expect(shiftIes({ locking: 'portuguese' })).toEqual([0x25, 1, 3]);
    expect(shiftIes({ locking: 'turkish', single: 'spanish' })).toEqual([0x24, 1, 2, 0x25, 1, 1]);
  });

  it('C.2 / C.3: one IE leaves 155 septets in a single message, both leave 152', () => {
    const one = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(155, 0x61), ies: [0x25, 1, 1] }, { reference: 1 });
    expect(one).toMatchObject({ ok: true, esmClass: 0x40 });
    if (!one.ok) return;
    expect(one.segments).toHaveLength(1);
    expect(hex(one.segments[0]!.subarray(0, 4))).toBe('03250101');
    const over = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(156, 0x61), ies: [0x25, 1, 1] }, { reference: 1 });
    expect(over.ok && over.segments.length).toBe(2);
    const both = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(153, 0x61), ies: [0x24, 1, 2, 0x25, 1, 1] }, { reference: 1 });
    expect(both.ok && both.segments.length).toBe(2);
    const fits = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(152, 0x61), ies: [0x24, 1, 2, 0x25, 1, 1] }, { reference: 1 });
    expect(fits.ok && hex(fits.segments[0]!.subarray(0, 7))).toBe('06240102250101');
  });

  it('concatenated parts carry the IEs after the concatenation IE: 149 septets (udh8) with one, 146 with both', () => {
    const r = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(300, 0x61), ies: [0x24, 1, 1] }, { reference: 9 });
    if (!r.ok) throw new Error(r.message);
    expect(r.segments.map((s) => s.length)).toEqual([9 + 149, 9 + 149, 9 + 2]);
    expect(r.segments.map((s) => hex(s.subarray(0, 9)))).toEqual(['080003090301240101', '080003090302240101', '080003090303240101']);
    const b = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(300, 0x61), ies: [0x24, 1, 1, 0x25, 1, 1] }, { reference: 9, longMessage: 'udh16' });
    if (!b.ok) throw new Error(b.message);
    expect(b.segments.map((s) => s.length - 13)).toEqual([145, 145, 10]); // udh16: 13 octets of UDH → 15 septets
    expect(hex(b.segments[0]!.subarray(0, 13))).toBe('0c080400090301240101250101');
  });

  it('an escape pair is never split between parts', () => {
    const text = 'a'.repeat(148) + 'ş' + 'b'.repeat(10); // ş = ESC 0x73 at septets 148–149
    const r = segmentMessage(text, { charset: 'gsm_0338', dcs: 0, bytes: encodeNational(text, { single: 'turkish' })!, ies: [0x24, 1, 1] }, { reference: 1 });
    if (!r.ok) throw new Error(r.message);
    expect(r.segments[0]!.length).toBe(9 + 148);
    expect(hex(r.segments[1]!.subarray(9, 11))).toBe('1b73');
  });

  it('sar and payload cannot carry the IEs', () => {
    const r = segmentMessage('', { charset: 'gsm_0338', dcs: 0, bytes: Buffer.alloc(10, 0x61), ies: [0x24, 1, 1] }, { reference: 1, longMessage: 'sar' });
    expect(r).toMatchObject({ ok: false, code: 'UNENCODABLE' });
    expect(choose('ş'.repeat(100), ALL, 'sar')).toBeUndefined();
    expect(choose('ş'.repeat(100), ALL, 'payload')).toBeUndefined();
  });
});

describe('chooseNationalEncoding: the fewest parts', () => {
  it('a 100-character Turkish text: 2 UCS2 parts, 1 GSM part with the Turkish single shift table', () => {
    const text = 'Merhaba Ayşe, yarın saat 14:00 toplantı var. Lütfen geç kalmayın; doğum günü pastası hazır. Görüşürüz'.slice(0, 100);
    expect(text).toHaveLength(100);
    expect(chooseEncoding(text, CHARSETS)?.charset).toBe('utf-16be');
    const c = choose(text, ['turkish']);
    expect(c).toMatchObject({ charset: 'gsm_0338', dcs: 0, shift: { single: 'turkish' }, ies: [0x24, 1, 1] });
    expect(choose(text, ['spanish'])).toBeUndefined(); // ş, ğ, ı are not Spanish
  });

  it('a text with many Turkish letters goes with the locking shift table when escapes would need another part', () => {
    const text = 'ş'.repeat(100);
    expect(choose(text, ['turkish'])).toMatchObject({ shift: { locking: 'turkish' }, ies: [0x25, 1, 1], units: 100 });
  });

  it('mixes a locking table of one language with the single shift table of another', () => {
    const text = 'ıó'.repeat(40); // ı only Turkish, ó only Spanish (of the two enabled): 2 UCS2 parts
    expect(choose(text, ['turkish', 'spanish'])).toMatchObject({ shift: { locking: 'turkish', single: 'spanish' }, ies: [0x24, 1, 2, 0x25, 1, 1] });
  });

  it('keeps the charset list when it already needs one part, or when tables do not save a part', () => {
    expect(choose('Hello')).toBeUndefined();
    expect(choose('ş')).toBeUndefined(); // one UCS2 part is as cheap as one GSM part and needs no IE
    expect(choose('a'.repeat(300))).toBeUndefined();
    expect(choose('ş'.repeat(100), [])).toBeUndefined();
  });

  it('Spanish text with á: Latin-1 (8-bit) in the default list, 7-bit with the Spanish table when that saves a part', () => {
    const text = 'Mañana a las 10:00 en la estación. Por favor, confirma tu asistencia; habrá café y pastel para todos. ¡Te esperamos con mucha ilusión, amigos!';
    expect(text).toHaveLength(142); // 2 Latin-1 parts (140 octets in one)
    expect(chooseEncoding(text, CHARSETS)?.charset).toBe('ISO-8859-1');
    expect(choose(text, ['spanish'])).toMatchObject({ shift: { single: 'spanish' }, units: 142 + 3 }); // ó, á, ó: ESC pairs (é is in the default alphabet)
    expect(choose(text.slice(0, 140), ['spanish'])).toBeUndefined(); // one Latin-1 part already
  });

  it('needs a gsm_0338 entry in the charset list for its data_coding', () => {
    const charsets = [{ dcs: 8, charset: 'utf-16be' as const }];
    const text = 'ş'.repeat(100);
    expect(chooseNationalEncoding(text, chooseEncoding(text, charsets), { languages: ALL, charsets, longMessage: 'udh8' })).toBeUndefined();
  });

  it('rescues a text no listed charset can encode', () => {
    const charsets = [{ dcs: 0, charset: 'gsm_0338' as const }];
    expect(chooseNationalEncoding('ş', undefined, { languages: ['turkish'], charsets, longMessage: 'udh8' })).toMatchObject({ shift: { single: 'turkish' } });
  });
});
