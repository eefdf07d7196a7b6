// The national language tables (read at load from the smpp package) against code points of
// 3GPP TS 23.038 Annex A: A.2.1–A.2.3 single shift, A.3.1 / A.3.3 locking shift.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLES, NATIONAL_LANGUAGE_CODE, NATIONAL_TABLES, languageOfCode } from '../../src/domain/national-tables.js';

/** the default extension table's ten characters, which every national single shift table repeats */
const EXTENSION: Array<[number, string]> = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'], [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€'],
];

const SINGLE: Record<'turkish' | 'spanish' | 'portuguese', Array<[number, string]>> = {
  // A.2.1
  turkish: [...EXTENSION, [0x47, 'Ğ'], [0x49, 'İ'], [0x53, 'Ş'], [0x63, 'ç'], [0x67, 'ğ'], [0x69, 'ı'], [0x73, 'ş']],
  // A.2.2
  spanish: [...EXTENSION, [0x09, 'ç'], [0x41, 'Á'], [0x49, 'Í'], [0x4f, 'Ó'], [0x55, 'Ú'], [0x61, 'á'], [0x69, 'í'], [0x6f, 'ó'], [0x75, 'ú']],
  // A.2.3
  portuguese: [...EXTENSION, [0x05, 'ê'], [0x09, 'ç'], [0x0b, 'Ô'], [0x0c, 'ô'], [0x0e, 'Á'], [0x0f, 'á'], [0x12, 'Φ'], [0x13, 'Γ'],
    [0x15, 'Ω'], [0x16, 'Π'], [0x17, 'Ψ'], [0x18, 'Σ'], [0x19, 'Θ'], [0x1f, 'Ê'], [0x41, 'À'], [0x49, 'Í'], [0x4f, 'Ó'], [0x55, 'Ú'],
    [0x5b, 'Ã'], [0x5c, 'Õ'], [0x61, 'Â'], [0x69, 'í'], [0x6f, 'ó'], [0x75, 'ú'], [0x7b, 'ã'], [0x7c, 'õ'], [0x7f, 'â']],
};

// where the locking shift tables differ from the default alphabet
const LOCKING: Record<'turkish' | 'portuguese', Array<[number, string]>> = {
  // A.3.1
  turkish: [[0x04, '€'], [0x07, 'ı'], [0x0b, 'Ğ'], [0x0c, 'ğ'], [0x1c, 'Ş'], [0x1d, 'ş'], [0x40, 'İ'], [0x60, 'ç']],
  // A.3.3
  portuguese: [[0x04, 'ê'], [0x06, 'ú'], [0x07, 'í'], [0x08, 'ó'], [0x09, 'ç'], [0x0b, 'Ô'], [0x0c, 'ô'], [0x0e, 'Á'], [0x0f, 'á'],
    [0x12, 'ª'], [0x13, 'Ç'], [0x14, 'À'], [0x15, '∞'], [0x16, '^'], [0x17, '\\'], [0x18, '€'], [0x19, 'Ó'], [0x1a, '|'],
    [0x1c, 'Â'], [0x1d, 'â'], [0x1e, 'Ê'], [0x24, 'º'], [0x40, 'Í'], [0x5b, 'Ã'], [0x5c, 'Õ'], [0x5d, 'Ú'], [0x5e, 'Ü'],
    [0x5f, '§'], [0x60, '~'], [0x7b, 'ã'], [0x7c, 'õ'], [0x7d, '`'], [0x7e, 'ü'], [0x7f, 'à']],
};

describe('national language tables (TS 23.038 Annex A)', () => {
  it.each(Object.entries(SINGLE))('%s single shift table holds exactly the specified characters', (language, entries) => {
    const table = NATIONAL_TABLES[language as keyof typeof SINGLE].single;
    expect([...table].sort((a, b) => a[0] - b[0])).toEqual([...entries].sort((a, b) => a[0] - b[0]));
  });

  it.each(Object.entries(LOCKING))('%s locking shift table: the specified characters, the default alphabet elsewhere', (language, changed) => {
    const table = NATIONAL_TABLES[language as keyof typeof LOCKING].locking!;
    expect(table).toHaveLength(128);
    const expected = [...DEFAULT_TABLES.locking];
    for (const [septet, char] of changed) expected[septet] = char;
    // every code point where the table differs from the default alphabet is one of the listed ones
    const differing = table.flatMap((c, i) => (c !== DEFAULT_TABLES.locking[i] ? [i] : []));
    for (const septet of differing) expect([septet, table[septet]]).toEqual([septet, expected[septet]]);
    for (const [septet, char] of changed) expect(table[septet]).toBe(char);
    expect(table[0x1b]).toBe('\x1b');
  });

  it('Spanish has a single shift table only (Annex A defines no Spanish locking shift table)', () => {
    expect(NATIONAL_TABLES.spanish.locking).toBeUndefined();
  });

  it('identifiers of TS 23.038 §6.2.1.2.4: 1 Turkish, 2 Spanish, 3 Portuguese; others are not ours', () => {
    expect(NATIONAL_LANGUAGE_CODE).toEqual({ turkish: 1, spanish: 2, portuguese: 3 });
    expect([0, 1, 2, 3, 6, 13].map(languageOfCode)).toEqual([undefined, 'turkish', 'spanish', 'portuguese', undefined, undefined]);
  });
});
