// GSM 7-bit text through national language shift tables (3GPP TS 23.038 §6.2.1.2.4): a locking
// shift table replaces the default alphabet for the whole message, a single shift table replaces the
// extension table that ESC (0x1B) selects for one character. The two may be of different languages.
// Outbound picks, among the tables an integration enables, the encoding with the fewest parts.
import type { CharsetEntry, NationalLanguage } from '../config/index.js';
import { decodeSeptets, type DecodeResult, type EncodingChoice } from './charsets.js';
import { GSM_ESCAPE } from './gsm-0338.js';
import {
  DEFAULT_TABLES, IEI_LOCKING_SHIFT, IEI_SINGLE_SHIFT, NATIONAL_LANGUAGE_CODE, NATIONAL_TABLES,
} from './national-tables.js';
import { countSegments, type LongMessageMode } from './segments.js';

/** Which national tables are in force; an absent side is the default table. */
export interface ShiftPair {
  readonly locking?: NationalLanguage;
  readonly single?: NationalLanguage;
}

interface Encoder {
  /** UTF-16 code unit → septet of the basic (locking) table. */
  readonly basic: ReadonlyMap<number, number>;
  /** UTF-16 code unit → septet after ESC. */
  readonly shifted: ReadonlyMap<number, number>;
}

const encoders = new Map<string, Encoder>();

function tablesOf(pair: ShiftPair): { basic: readonly string[]; single: ReadonlyMap<number, string> } {
  return {
    basic: (pair.locking && NATIONAL_TABLES[pair.locking].locking) || DEFAULT_TABLES.locking,
    single: pair.single ? NATIONAL_TABLES[pair.single].single : DEFAULT_TABLES.single,
  };
}

function encoderFor(pair: ShiftPair): Encoder {
  const key = `${pair.locking ?? ''}/${pair.single ?? ''}`;
  let e = encoders.get(key);
  if (!e) {
    const { basic, single } = tablesOf(pair);
    const b = new Map<number, number>();
    basic.forEach((char, septet) => { if (septet !== GSM_ESCAPE) b.set(char.charCodeAt(0), septet); });
    const s = new Map<number, number>();
    for (const [septet, char] of single) s.set(char.charCodeAt(0), septet);
    e = { basic: b, shifted: s };
    encoders.set(key, e);
  }
  return e;
}

/** Unpacked septets of the text under the pair's tables, or undefined when a character has no code. */
export function encodeNational(text: string, pair: ShiftPair): Buffer | undefined {
  const { basic, shifted } = encoderFor(pair);
  const out = Buffer.allocUnsafe(text.length * 2);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const septet = basic.get(c); // one septet beats an escape pair when a table has both
    if (septet !== undefined) { out[o++] = septet; continue; }
    const ext = shifted.get(c);
    if (ext === undefined) return undefined;
    out[o++] = GSM_ESCAPE;
    out[o++] = ext;
  }
  return out.subarray(0, o);
}

export function decodeNational(buf: Uint8Array, pair: ShiftPair): DecodeResult {
  const { basic, single } = tablesOf(pair);
  return decodeSeptets(buf, basic, single);
}

/** The UDH information elements that name the pair's tables (TS 23.040 §9.2.3.24.15 / .16). */
export function shiftIes(pair: ShiftPair): number[] {
  return [
    ...(pair.single ? [IEI_SINGLE_SHIFT, 1, NATIONAL_LANGUAGE_CODE[pair.single]] : []),
    ...(pair.locking ? [IEI_LOCKING_SHIFT, 1, NATIONAL_LANGUAGE_CODE[pair.locking]] : []),
  ];
}

/** Every pair the enabled languages allow, one-IE pairs before two-IE pairs (ties go to the shorter UDH). */
function candidatePairs(languages: readonly NationalLanguage[]): ShiftPair[] {
  const locking = languages.filter((l) => NATIONAL_TABLES[l].locking);
  const pairs: ShiftPair[] = [...languages.map((single) => ({ single })), ...locking.map((l) => ({ locking: l }))];
  for (const l of locking) for (const single of languages) pairs.push({ locking: l, single });
  return pairs;
}

export interface NationalChoice extends EncodingChoice {
  readonly ies: readonly number[];
  readonly shift: ShiftPair;
}

/**
 * A national-table encoding that needs fewer parts than `baseline` (the charset list's choice, which
 * keeps ties: no IE is the safer message), or undefined. Only GSM data_coding can carry the tables:
 * the data_coding is the integration's first gsm_0338 entry; none, no national tables.
 */
export function chooseNationalEncoding(
  text: string,
  baseline: EncodingChoice | undefined,
  opts: { languages: readonly NationalLanguage[]; charsets: readonly CharsetEntry[]; longMessage: LongMessageMode },
): NationalChoice | undefined {
  if (!opts.languages.length || opts.longMessage === 'sar' || opts.longMessage === 'payload') return undefined;
  let best = baseline ? countSegments(baseline.bytes, baseline.charset, opts.longMessage) : Infinity;
  if (best <= 1) return undefined; // nothing beats one part without a UDH
  const dcs = opts.charsets.find((c) => c.charset === 'gsm_0338')?.dcs;
  if (dcs === undefined) return undefined;
  // No table spends less than a septet a character: parts of that length with the IEs are a floor,
  // and a text the default alphabet already carries in as many parts (plain ASCII) is done here.
  const floor = (ieOctets: number) => countSegments(Buffer.alloc(text.length), 'gsm_0338', opts.longMessage, ieOctets);
  const floors = { 3: floor(3), 6: 0 };
  if (floors[3] >= best) return undefined;
  floors[6] = floor(6);
  let choice: NationalChoice | undefined;
  for (const shift of candidatePairs(opts.languages)) {
    if (floors[shift.locking && shift.single ? 6 : 3] >= best) continue;
    const bytes = encodeNational(text, shift);
    if (!bytes) continue;
    const ies = shiftIes(shift);
    const n = countSegments(bytes, 'gsm_0338', opts.longMessage, ies.length);
    if (n < best) {
      best = n;
      choice = { charset: 'gsm_0338', dcs, units: bytes.length, bytes, ies, shift };
    }
  }
  return choice;
}
