import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HELP_MESSAGE, DEFAULT_KEYWORDS, DEFAULT_OPT_IN_MESSAGE, DEFAULT_OPT_OUT_MESSAGE, defaultKeywords,
  keywordSetSchema, matchKeyword, type KeywordSet,
} from '../../src/domain/keywords.js';
import facts from '../fixtures/reference-facts.json' with { type: 'json' };

// The guide's long-code defaults (test/fixtures/reference-facts.json, checked against the guide itself
// in test/reference/guide-facts.test.ts): the code must have them verbatim.
const guide = facts.longCodeKeywords;

describe('default long-code keywords', () => {
  it('are the reference\'s help keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.help.keywords).toEqual(guide.help.keywords);
    expect(DEFAULT_HELP_MESSAGE).toBe(guide.help.autoResponse);
    expect(DEFAULT_KEYWORDS.help.message).toBe(guide.help.autoResponse);
  });

  it('are the reference\'s opt-out keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.optOut.keywords).toEqual(guide.optOut.keywords);
    expect(DEFAULT_OPT_OUT_MESSAGE).toBe(guide.optOut.autoResponse);
    expect(DEFAULT_KEYWORDS.optOut.message).toBe(guide.optOut.autoResponse);
  });

  it('are the reference\'s opt-in keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.optIn.keywords).toEqual(guide.optIn.keywords);
    expect(DEFAULT_OPT_IN_MESSAGE).toBe(guide.optIn.autoResponse);
    expect(DEFAULT_KEYWORDS.optIn.message).toBe(guide.optIn.autoResponse);
  });

  it('hands out copies that cannot change the defaults', () => {
    const copy = defaultKeywords();
    copy.help.keywords.push('AIDE');
    expect(DEFAULT_KEYWORDS.help.keywords).toEqual(['HELP', 'INFO']);
    expect(Object.isFrozen(DEFAULT_KEYWORDS.optOut.keywords)).toBe(true);
    expect(keywordSetSchema.parse(defaultKeywords())).toEqual(defaultKeywords());
  });
});

describe('matchKeyword', () => {
  const cases: [text: string, expected: ReturnType<typeof matchKeyword>][] = [
    ['STOP', 'optOut'],
    ['stop', 'optOut'],
    ['  Stop \n', 'optOut'],
    ['stopall', 'optOut'],
    ['OPTOUT', 'optOut'],
    ['help', 'help'],
    ['Info', 'help'],
    ['start', 'optIn'],
    ['UNSTOP', 'optIn'],
    ['yes', 'optIn'],
    ['STOP please', undefined],
    ['please stop', undefined],
    ['STOP.', 'optOut'],
    ['STOP. please', undefined],
    ['', undefined],
    ['   ', undefined],
    ['hello', undefined],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(matchKeyword(text, DEFAULT_KEYWORDS)).toBe(expected);
  });

  it('lets opt-out win when a word is in several sections', () => {
    const overlapping: KeywordSet = {
      help: { keywords: ['HALT'], message: 'h' },
      optOut: { keywords: ['halt'], message: 'o' },
      optIn: { keywords: ['HALT', 'GO'], message: 'i' },
    };
    expect(matchKeyword('Halt', overlapping)).toBe('optOut');
  });

  it('prefers opt-in over help when only those two overlap', () => {
    const overlapping: KeywordSet = {
      help: { keywords: ['GO'], message: 'h' },
      optOut: { keywords: ['STOP'], message: 'o' },
      optIn: { keywords: ['go'], message: 'i' },
    };
    expect(matchKeyword('GO', overlapping)).toBe('optIn');
  });

  it('matches multi-word custom keywords as a whole message', () => {
    const custom: KeywordSet = { ...defaultKeywords(), optOut: { keywords: ['STOP ALL'], message: 'bye' } };
    expect(matchKeyword('stop all', custom)).toBe('optOut');
    expect(matchKeyword('stop', custom)).toBeUndefined();
  });
});

describe('keywordSetSchema', () => {
  it('requires all three sections, each with a keyword and a message', () => {
    const full = defaultKeywords();
    expect(keywordSetSchema.safeParse(full).success).toBe(true);
    expect(keywordSetSchema.safeParse({ help: full.help, optOut: full.optOut }).success).toBe(false);
    expect(keywordSetSchema.safeParse({ ...full, optIn: { keywords: [], message: 'x' } }).success).toBe(false);
    expect(keywordSetSchema.safeParse({ ...full, help: { keywords: ['HELP'], message: '   ' } }).success).toBe(false);
    expect(keywordSetSchema.safeParse({ ...full, help: { keywords: [' '], message: 'x' } }).success).toBe(false);
  });

  it('trims keywords and messages', () => {
    const parsed = keywordSetSchema.parse({ ...defaultKeywords(), help: { keywords: [' AIDE '], message: ' Call us. ' } });
    expect(parsed.help).toEqual({ keywords: ['AIDE'], message: 'Call us.' });
  });
});
