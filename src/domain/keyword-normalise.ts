// How an inbound text is compared with a compliance keyword. People type STOP as " Stop. ", "STOP!",
// "\"stop\"", "ＳＴＯＰ" or "STOP 🛑"; all of them must opt out (US revocation-of-consent rules ask
// senders to honour any reasonable means), while "STOP please" stays an ordinary message. The exact
// rules are listed in docs/compliance.md; keep the two in step.
//
// 1. NFKC: full-width and other compatibility forms become their plain letters (ＳＴＯＰ → STOP).
// 2. Case folding: upper- then lower-casing, and final sigma as sigma, give Unicode full case folding
//    for every keyword alphabet (ß → ss, Σ/ς → σ); JavaScript has no built-in case fold.
// 3. Zero-width and other invisible format characters (Unicode Cf: ZWSP, ZWJ, BOM...) are removed.
// 4. From both ends, repeatedly: whitespace, quotation marks, brackets, emoji (with their
//    modifiers) and the Spanish opening marks ¡ ¿. From the end also: any punctuation.
// 5. Inner whitespace runs become one space, so a multi-word keyword ("STOP ALL") still matches as a
//    whole message while "STOP please" does not match STOP.

const INVISIBLE = /\p{Cf}/gu;
/** a whole emoji: pictograph, keycap, regional indicator, skin tone, variation selector */
const EMOJI = String.raw`(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\uFE0E|\uFE0F|\u20E3)`;
/** quotation marks (ASCII and initial/final punctuation), brackets of any script */
const QUOTE_OR_BRACKET = String.raw`(?:["'\u0060\u00B4]|\p{Pi}|\p{Pf}|\p{Ps}|\p{Pe})`;
const LEADING = new RegExp(String.raw`^(?:\s|${QUOTE_OR_BRACKET}|${EMOJI}|[¡¿])+`, 'u');
const TRAILING = new RegExp(String.raw`(?:\s|\p{P}|${EMOJI})+$`, 'u');

/** The folded form of a text or a keyword, as it is compared; '' when nothing is left. */
export function normaliseKeywordText(text: string): string {
  const folded = text.normalize('NFKC').toUpperCase().toLowerCase().replace(/ς/gu, 'σ').normalize('NFKC').replace(INVISIBLE, '');
  return folded.replace(LEADING, '').replace(TRAILING, '').replace(/\s+/gu, ' ');
}

/** The words of a folded text: runs of letters, marks and digits (apostrophes inside words kept). */
export function keywordWords(folded: string): string[] {
  return folded.match(/[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu) ?? [];
}

/**
 * Whether one of `keywords` occurs as a word (or, for a multi-word keyword, as consecutive words) in
 * `text`: "please stop texting me" mentions STOP, "unstoppable" does not. "Don't stop" and "non-stop"
 * mention it too: a mention is not a clear revocation, which is why acting on one is opt-in per number.
 */
export function mentionsKeyword(text: string, keywords: readonly string[]): boolean {
  const words = keywordWords(normaliseKeywordText(text));
  if (words.length === 0) return false;
  return keywords.some((k) => {
    const kw = keywordWords(normaliseKeywordText(k));
    if (kw.length === 0) return false;
    for (let i = 0; i + kw.length <= words.length; i++) {
      if (kw.every((w, j) => words[i + j] === w)) return true;
    }
    return false;
  });
}
