// National language shift tables, 3GPP TS 23.038 §6.2.1.2.4 and Annex A (A.2.x single shift: what
// follows ESC 0x1B; A.3.x locking shift: a whole replacement of the default alphabet). The character
// data is not ours: it is read at load from the `smpp` package (0.5.1, lib/defs.js `gsmCoder`), a
// dependency that carries the Turkish, Spanish and Portuguese tables. test/domain/national-tables.test.ts
// checks them against code points of the specification. The Indian-language tables of Annex A
// (codes 4 to 13) are not here: no source we may use carries them (docs/encoding.md).
import { createRequire } from 'node:module';
import type { NationalLanguage } from '../config/index.js';
import { GSM_DECODE_BASIC, GSM_DECODE_EXTENSION, GSM_ESCAPE } from './gsm-0338.js';

/** National language identifiers of IEs 0x24 / 0x25 (TS 23.038 §6.2.1.2.4; 0 is the default alphabet). */
export const NATIONAL_LANGUAGE_CODE: Readonly<Record<NationalLanguage, number>> = { turkish: 1, spanish: 2, portuguese: 3 };

/** TS 23.040 §9.2.3.24.15 / .16: one octet, the language identifier. */
export const IEI_SINGLE_SHIFT = 0x24;
export const IEI_LOCKING_SHIFT = 0x25;

export interface ShiftTables {
  /** Septet 0x00–0x7F → character; absent when the language has no locking shift table. */
  readonly locking?: readonly string[];
  /** Septet after ESC → character. */
  readonly single: ReadonlyMap<number, string>;
}

/** The default alphabet and its extension table, the tables in force when no IE names another. */
export const DEFAULT_TABLES: Required<ShiftTables> = { locking: GSM_DECODE_BASIC, single: GSM_DECODE_EXTENSION };

interface PackageCoder { readonly chars: string; readonly extCharListDec: Readonly<Record<string, string>> }
const require = createRequire(import.meta.url);
const gsmCoder = (require('smpp/lib/defs.js') as { gsmCoder: { getCoder(code: number): PackageCoder } }).gsmCoder;

function load(language: NationalLanguage): ShiftTables {
  const coder = gsmCoder.getCoder(NATIONAL_LANGUAGE_CODE[language]);
  const locking = [...coder.chars];
  if (locking.length !== 128 || locking[GSM_ESCAPE] !== '\x1b') throw new Error(`smpp package: ${language} table is not 128 septets with ESC at 0x1B`);
  // The package writes each single-shift septet as the character its own locking table has there
  // (Turkish 'G' = 0x47 → Ğ); entries it keeps only for its regex escaping find no septet.
  const single = new Map<number, string>();
  for (const [shown, char] of Object.entries(coder.extCharListDec)) {
    const septet = coder.chars.indexOf(shown);
    if (septet >= 0 && septet !== GSM_ESCAPE) single.set(septet, char);
  }
  // Spanish has a single shift table only (Annex A.3 defines no Spanish locking shift table); the
  // package's Spanish "locking" table is the default alphabet.
  return language === 'spanish' ? { single } : { locking, single };
}

export const NATIONAL_TABLES: Readonly<Record<NationalLanguage, ShiftTables>> = {
  turkish: load('turkish'), spanish: load('spanish'), portuguese: load('portuguese'),
};

/** The language of an IE's identifier, undefined for 0 (default) and for tables we do not have. */
export function languageOfCode(code: number): NationalLanguage | undefined {
  for (const [language, c] of Object.entries(NATIONAL_LANGUAGE_CODE)) if (c === code) return language as NationalLanguage;
  return undefined;
}
