import { describe, expect, it } from 'vitest';
import { keywordWords, mentionsKeyword, normaliseKeywordText } from '../../src/domain/keyword-normalise.js';
import { DEFAULT_KEYWORDS, matchKeyword } from '../../src/domain/keywords.js';

// Every rule of docs/compliance.md ("How a message is compared with a keyword"), one row at least each.
describe('normaliseKeywordText', () => {
  const cases: [rule: string, input: string, folded: string][] = [
    ['plain', 'STOP', 'stop'],
    ['case', 'sToP', 'stop'],
    ['full-width forms (NFKC)', 'ＳＴＯＰ', 'stop'],
    ['ligature (NFKC)', 'ﬁn', 'fin'],
    ['full case folding: sharp s', 'STRAßE', 'strasse'],
    ['full case folding: final sigma', 'ΤΈΛΟΣ', 'τέλοσ'],
    ['leading and trailing whitespace, tabs, newlines', ' \t Stop \r\n', 'stop'],
    ['no-break and ideographic spaces', '\u00A0STOP\u3000', 'stop'],
    ['zero-width space and BOM', '\uFEFFST\u200BOP', 'stop'],
    ['trailing full stop', ' Stop. ', 'stop'],
    ['trailing exclamation marks', 'STOP!!!', 'stop'],
    ['trailing question and ellipsis', 'stop?…', 'stop'],
    ['trailing comma, semicolon, dash', 'stop,;-', 'stop'],
    ['double quotes', '"stop"', 'stop'],
    ['single quotes', "'stop'", 'stop'],
    ['typographic quotes', '“Stop”', 'stop'],
    ['guillemets', '« STOP »', 'stop'],
    ['low-9 quotes', '„stop“', 'stop'],
    ['brackets', '(STOP)', 'stop'],
    ['Spanish opening marks', '¡STOP!', 'stop'],
    ['trailing emoji', 'STOP 🛑', 'stop'],
    ['emoji with variation selector', 'stop ✋️', 'stop'],
    ['emoji with skin tone', 'stop 👋🏽', 'stop'],
    ['ZWJ emoji sequence', 'stop 🤦‍♀️', 'stop'],
    ['flag', 'STOP 🇺🇸', 'stop'],
    ['leading emoji', '🛑 stop', 'stop'],
    ['mixed tail', '"Stop!" 😡😡', 'stop'],
    ['inner whitespace runs collapse', 'STOP \t  ALL', 'stop all'],
    ['inner punctuation stays', 'OPT-OUT', 'opt-out'],
    ['leading punctuation other than quotes/brackets stays', '#stop', '#stop'],
    ['only punctuation', '...', ''],
    ['only emoji', '🛑🛑', ''],
    ['empty', '', ''],
  ];
  it.each(cases)('%s: %j → %j', (_rule, input, folded) => {
    expect(normaliseKeywordText(input)).toBe(folded);
  });
});

describe('matchKeyword after normalisation', () => {
  const cases: [text: string, expected: ReturnType<typeof matchKeyword>][] = [
    [' Stop. ', 'optOut'], ['STOP!', 'optOut'], ['"stop"', 'optOut'], ['ＳＴＯＰ', 'optOut'], ['Stop 🛑', 'optOut'],
    ['¿Help?', 'help'], ['“Start”', 'optIn'], ['unsubscribe!!', 'optOut'],
    // a multi-word message is still not a keyword
    ['STOP please', undefined], ['please stop', undefined], ['stop stop', undefined], ['STOP, thanks', undefined],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(matchKeyword(text, DEFAULT_KEYWORDS)).toBe(expected);
  });

  it('normalises the configured keywords the same way', () => {
    const custom = { ...DEFAULT_KEYWORDS, optOut: { keywords: ['ＡＲＲÊＴ'], message: 'x' } };
    expect(matchKeyword('arrêt!', custom)).toBe('optOut');
  });
});

describe('mentionsKeyword', () => {
  const optOut = DEFAULT_KEYWORDS.optOut.keywords;
  const cases: [text: string, expected: boolean][] = [
    ['please stop texting me', true],
    ['PLEASE STOP!!', true],
    ['Stop sending me these', true],
    ['I want to unsubscribe, thanks', true],
    ['ＳＴＯＰ texting', true],
    ['stop.', true],
    ['non-stop deals', true], // a word after splitting on the hyphen: why acting on mentions is opt-in
    ['unstoppable', false],
    ['stopped by the shop', false],
    ['see you at the weekend', false],
    ['', false],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(mentionsKeyword(text, optOut)).toBe(expected);
  });

  it('finds a multi-word keyword only as consecutive words', () => {
    expect(mentionsKeyword('please stop all of it', ['STOP ALL'])).toBe(true);
    expect(mentionsKeyword('stop them all', ['STOP ALL'])).toBe(false);
  });

  it('splits words on whitespace and punctuation, keeping apostrophes inside words', () => {
    expect(keywordWords("don't stop, me-now")).toEqual(["don't", 'stop', 'me', 'now']);
  });
});
