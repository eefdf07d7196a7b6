// The product guide (byo-sms-for-smpp.txt) is not part of this repository: it sits beside it, in
// ../shared/reference, on the machines where the product was specified. The facts the code takes from
// it live in test/fixtures/reference-facts.json; test/reference/guide-facts.test.ts checks that fixture
// against the guide wherever the guide is present (BYO_REFERENCE_GUIDE may point at another copy).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REFERENCE_PATH = process.env.BYO_REFERENCE_GUIDE
  ?? fileURLToPath(new URL('../../../shared/reference/byo-sms-for-smpp.txt', import.meta.url));

/** The guide's text, or undefined where it is not beside the repository (a clean clone). */
export const readReferenceIfPresent = (): string | undefined =>
  (existsSync(REFERENCE_PATH) ? readFileSync(REFERENCE_PATH, 'utf8') : undefined);

/** The first balanced JSON object after `marker` in the guide's text. */
export function jsonBlockAfter(text: string, marker: string): unknown {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`"${marker}" not found in ${REFERENCE_PATH}`);
  const start = text.indexOf('{', at);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error(`unbalanced JSON after "${marker}"`);
}

export const numbersIn = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
