// GSM 03.38 (3GPP TS 23.038) default alphabet and extension table, by hand: iconv-lite has no
// GSM 03.38 codec, and the `smpp` package's encoder silently turns unknown characters into spaces.
// Only the code points in the standard mapping are accepted (no 'ç' → 'Ç' style substitution).

/** Septet 0x00–0x7F in order. 0x1B is the escape to the extension table, never a character. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: each costs two septets, ESC (0x1B) then the code. */
const EXTENSION: ReadonlyArray<readonly [code: number, char: string]> = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'],
  [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€'],
];

export const GSM_ESCAPE = 0x1b;

/** Every basic-table character lives below U+0400 (Greek capitals are the highest); € is the only other. */
const TABLE_SIZE = 0x400;
const EURO = 0x20ac;

/**
 * Encode table over UTF-16 code units < 0x400: -1 = not representable, 0x00–0x7F = basic septet,
 * 0x100 | code = extension septet (two septets on the wire). € (U+20AC) is handled by the caller.
 */
export const GSM_ENCODE: Int16Array = new Int16Array(TABLE_SIZE).fill(-1);
/** True where the GSM septet equals the ASCII code, so `Buffer.from(text, 'latin1')` is the encoding. */
export const GSM_SAME_AS_ASCII: Uint8Array = new Uint8Array(128);
/** Decode tables: septet → character. */
export const GSM_DECODE_BASIC: readonly string[] = [...BASIC];
export const GSM_DECODE_EXTENSION: ReadonlyMap<number, string> = new Map(EXTENSION);

for (let septet = 0; septet < 128; septet++) {
  if (septet === GSM_ESCAPE) continue;
  const code = BASIC.charCodeAt(septet);
  GSM_ENCODE[code] = septet;
  if (code === septet) GSM_SAME_AS_ASCII[septet] = 1;
}
for (const [septet, char] of EXTENSION) {
  const code = char.charCodeAt(0);
  if (code < TABLE_SIZE) GSM_ENCODE[code] = 0x100 | septet;
}

/** GSM_ENCODE entry for any UTF-16 code unit (same encoding as the table). */
export function gsmLookup(code: number): number {
  if (code < TABLE_SIZE) return GSM_ENCODE[code] ?? -1;
  return code === EURO ? 0x100 | 0x65 : -1;
}
