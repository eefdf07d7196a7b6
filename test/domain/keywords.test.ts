import { readReference } from '../helpers/reference.js';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HELP_MESSAGE, DEFAULT_KEYWORDS, DEFAULT_OPT_IN_MESSAGE, DEFAULT_OPT_OUT_MESSAGE, defaultKeywords,
  keywordSetSchema, matchKeyword, type KeywordSet,
} from '../../src/domain/keywords.js';

// The reference sits beside the repository (../shared/reference): the defaults must appear in it verbatim.
const reference = readReference();

/** How the reference lists keywords: "HELP or INFO", "START, YES, or UNSTOP". */
const asReferenceList = (words: readonly string[]): string =>
  words.length === 2 ? words.join(' or ') : `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;

describe('default long-code keywords', () => {
  it('are the reference\'s help keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.help.keywords).toEqual(['HELP', 'INFO']);
    expect(reference).toContain(`Help keywords ${asReferenceList(DEFAULT_KEYWORDS.help.keywords)}. Help auto response ${DEFAULT_HELP_MESSAGE} `);
  });

  it('are the reference\'s opt-out keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.optOut.keywords).toEqual(['CANCEL', 'END', 'QUIT', 'STOP', 'UNSUBSCRIBE', 'STOPALL', 'REVOKE', 'OPTOUT']);
    expect(reference).toContain(
      `Opt-out keywords ${asReferenceList(DEFAULT_KEYWORDS.optOut.keywords)}. Opt-out auto response ${DEFAULT_OPT_OUT_MESSAGE} `,
    );
  });

  it('are the reference\'s opt-in keywords and auto response, word for word', () => {
    expect(DEFAULT_KEYWORDS.optIn.keywords).toEqual(['START', 'YES', 'UNSTOP']);
    expect(reference).toContain(`Opt-in keywords ${asReferenceList(DEFAULT_KEYWORDS.optIn.keywords)}. Opt-in auto response ${DEFAULT_OPT_IN_MESSAGE} `);
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
    ['STOP.', undefined],
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
