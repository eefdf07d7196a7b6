import { describe, expect, it } from 'vitest';
import { classifyInbound, optOutConfirmDue, optOutConfirmMessage, optOutByIntentSchema } from '../../src/domain/opt-out-intent.js';
import { DEFAULT_KEYWORDS, type KeywordSet } from '../../src/domain/keywords.js';

const DAY = 86_400_000;

describe('classifyInbound', () => {
  it('off: only a whole keyword counts (the reference behaviour)', () => {
    expect(classifyInbound('Stop!', DEFAULT_KEYWORDS, 'off')).toEqual({ keyword: 'optOut' });
    expect(classifyInbound('please stop texting me', DEFAULT_KEYWORDS, 'off')).toEqual({});
  });

  it('confirm: a mention asks for confirmation; a whole keyword is still a keyword', () => {
    expect(classifyInbound('please stop texting me', DEFAULT_KEYWORDS, 'confirm')).toEqual({ confirmOptOut: true });
    expect(classifyInbound('STOP', DEFAULT_KEYWORDS, 'confirm')).toEqual({ keyword: 'optOut' });
    expect(classifyInbound('hello there', DEFAULT_KEYWORDS, 'confirm')).toEqual({});
  });

  it('optOut: a mention is treated as the opt-out keyword', () => {
    expect(classifyInbound('please stop texting me', DEFAULT_KEYWORDS, 'optOut')).toEqual({ keyword: 'optOut', byIntent: true });
    expect(classifyInbound('quit it', DEFAULT_KEYWORDS, 'optOut')).toEqual({ keyword: 'optOut', byIntent: true });
  });

  it('a mention of a help or opt-in keyword is not an opt-out intent', () => {
    expect(classifyInbound('can you help me', DEFAULT_KEYWORDS, 'optOut')).toEqual({});
    expect(classifyInbound('yes please', DEFAULT_KEYWORDS, 'optOut')).toEqual({});
  });
});

describe('optOutConfirmMessage', () => {
  it('names STOP when the number has it', () => {
    expect(optOutConfirmMessage(DEFAULT_KEYWORDS)).toBe('Did you want to stop receiving messages from this number? Reply STOP to unsubscribe.');
  });
  it("names the number's first opt-out keyword otherwise", () => {
    const custom: KeywordSet = { ...DEFAULT_KEYWORDS, help: { ...DEFAULT_KEYWORDS.help, keywords: [...DEFAULT_KEYWORDS.help.keywords] },
      optIn: { ...DEFAULT_KEYWORDS.optIn, keywords: [...DEFAULT_KEYWORDS.optIn.keywords] }, optOut: { keywords: ['ARRET', 'FIN'], message: 'x' } };
    expect(optOutConfirmMessage(custom)).toContain('Reply ARRET to unsubscribe.');
  });
});

describe('optOutConfirmDue', () => {
  const now = new Date('2026-12-04T12:00:00Z');
  it.each([
    ['never asked', undefined, true],
    ['asked a minute ago', '2026-12-04T11:59:00Z', false],
    ['asked 23 h 59 min ago', '2026-12-03T12:01:00Z', false],
    ['asked exactly a day ago', '2026-12-03T12:00:00Z', true],
    ['asked two days ago', '2026-12-02T12:00:00Z', true],
    ['unreadable timestamp', 'yesterday', true],
  ] as const)('%s → %s', (_what, last, due) => {
    expect(optOutConfirmDue(last, now, DAY)).toBe(due);
  });
});

it('optOutByIntentSchema refuses other values with a clear message', () => {
  const r = optOutByIntentSchema.safeParse('sometimes');
  expect(r.success).toBe(false);
  expect(r.error?.issues[0]?.message).toBe('optOutByIntent must be one of off, confirm, optOut');
});
