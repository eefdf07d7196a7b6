// Fuzz target: texts drawn from the national language tables' characters (plus a few no GSM table
// has), any enabled subset of languages. Whatever the engine picks must fit 140 octets a part once
// the SMSC packs it, save parts against the charset list, and decode back to the text part by part.
import fc from 'fast-check';
import {
  DEFAULT_TABLES, NATIONAL_TABLES, chooseEncoding, chooseNationalEncoding, countSegments, decodeInbound, segmentMessage,
} from '../../src/domain/index.js';
import { DEFAULT_ADVANCED_CONFIG, NATIONAL_LANGUAGES } from '../../src/config/index.js';
import { FuzzFinding, packedSeptets, type FuzzTarget } from './targets.js';

const OUTSIDERS = ['ж', '😀', '—'];
/** a text one table pair can encode (its locking and single shift characters), now and then with a character none has */
const text = fc.record({
  locking: fc.constantFrom(undefined, ...NATIONAL_LANGUAGES.filter((l) => NATIONAL_TABLES[l].locking)),
  single: fc.constantFrom(undefined, ...NATIONAL_LANGUAGES),
}).chain(({ locking, single }) => {
  const basic = (locking && NATIONAL_TABLES[locking].locking) || DEFAULT_TABLES.locking;
  const shifted = single ? NATIONAL_TABLES[single].single : DEFAULT_TABLES.single;
  const pool = [...new Set([...basic, ...shifted.values()])].filter((c) => c !== '\x1b');
  return fc.tuple(fc.array(fc.constantFrom(...pool), { maxLength: 500, size: 'max' }), fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...OUTSIDERS) }));
}).map(([chars, outsider]) => chars.join('') + outsider);
const languages = fc.oneof({ weight: 3, arbitrary: fc.constant([...NATIONAL_LANGUAGES]) }, { weight: 1, arbitrary: fc.subarray([...NATIONAL_LANGUAGES]) });

export const NATIONAL_TARGET: FuzzTarget = {
  name: 'national language tables (choose → segment → decode each part)', weight: 6,
  property: () => fc.property(
    text,
    languages, fc.constantFrom('udh8' as const, 'udh16' as const), fc.integer({ min: 0, max: 0xffff }),
    (text, languages, longMessage, reference) => {
      const charsets = DEFAULT_ADVANCED_CONFIG.charsets;
      const listed = chooseEncoding(text, charsets);
      const n = chooseNationalEncoding(text, listed, { languages, charsets, longMessage });
      if (!n) return;
      const before = listed ? countSegments(listed.bytes, listed.charset, longMessage) : Infinity;
      const seg = segmentMessage(text, n, { reference, longMessage });
      if (!seg.ok) throw new FuzzFinding(`national choice does not segment: ${seg.message}`);
      if (!(seg.segments.length < before)) throw new FuzzFinding(`${seg.segments.length} parts, not fewer than ${before}`);
      if (seg.esmClass !== 0x40) throw new FuzzFinding('a national part without UDHI');
      const decoded = seg.segments.map((s) => {
        if (packedSeptets(s, true) > 160) throw new FuzzFinding(`part of ${packedSeptets(s, true)} septets`);
        return decodeInbound({ shortMessage: s, dataCoding: seg.dataCoding, esmClass: seg.esmClass });
      });
      if (decoded.some((d) => d.flags.length)) throw new FuzzFinding(`flags ${decoded.flatMap((d) => d.flags).join(',')}`);
      if (decoded.map((d) => d.text).join('') !== text) throw new FuzzFinding('parts do not decode to the text');
    }),
};
