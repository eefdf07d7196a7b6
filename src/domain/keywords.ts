// Compliance keywords of a sender number: the reference's defaults for long codes (word for word,
// "Import numbers" in byo-sms-for-smpp.txt) and the matcher the inbound path uses to spot them.
import { z } from 'zod';
import { normaliseKeywordText } from './keyword-normalise.js';

export const KEYWORD_KINDS = ['help', 'optOut', 'optIn'] as const;
export type KeywordKind = (typeof KEYWORD_KINDS)[number];

/** A keyword is the whole message, so multi-word keywords work; the bounds only stop abuse. */
export const MAX_KEYWORD_LENGTH = 64;
export const MAX_KEYWORDS_PER_KIND = 50;
/** Ten concatenated GSM segments: longer auto-responses are certainly a mistake. */
export const MAX_AUTO_RESPONSE_LENGTH = 1530;

export const keywordSectionSchema = z.strictObject({
  keywords: z.array(z.string().trim().min(1).max(MAX_KEYWORD_LENGTH)).min(1).max(MAX_KEYWORDS_PER_KIND),
  message: z.string().trim().min(1).max(MAX_AUTO_RESPONSE_LENGTH),
});
export type KeywordSection = z.infer<typeof keywordSectionSchema>;

/** All three sections are required: a partial set would leave a compliance duty unanswered. */
export const keywordSetSchema = z.strictObject({
  help: keywordSectionSchema,
  optOut: keywordSectionSchema,
  optIn: keywordSectionSchema,
});
export type KeywordSet = z.infer<typeof keywordSetSchema>;

export const DEFAULT_HELP_MESSAGE = 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.';
export const DEFAULT_OPT_OUT_MESSAGE =
  'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.';
export const DEFAULT_OPT_IN_MESSAGE =
  'You have successfully been resubscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.';

export type ReadonlyKeywordSet = {
  readonly [K in KeywordKind]: { readonly keywords: readonly string[]; readonly message: string };
};

const frozenSection = (keywords: string[], message: string) =>
  Object.freeze({ keywords: Object.freeze(keywords), message });

/** Provisioned for every Local, Mobile or Toll-free import that brings no keywords of its own. */
export const DEFAULT_KEYWORDS: ReadonlyKeywordSet = Object.freeze({
  help: frozenSection(['HELP', 'INFO'], DEFAULT_HELP_MESSAGE),
  optOut: frozenSection(['CANCEL', 'END', 'QUIT', 'STOP', 'UNSUBSCRIBE', 'STOPALL', 'REVOKE', 'OPTOUT'], DEFAULT_OPT_OUT_MESSAGE),
  optIn: frozenSection(['START', 'YES', 'UNSTOP'], DEFAULT_OPT_IN_MESSAGE),
});

/** A fresh mutable copy, so a record built from the defaults never shares arrays with them. */
export function defaultKeywords(): KeywordSet {
  return {
    help: { ...DEFAULT_KEYWORDS.help, keywords: [...DEFAULT_KEYWORDS.help.keywords] },
    optOut: { ...DEFAULT_KEYWORDS.optOut, keywords: [...DEFAULT_KEYWORDS.optOut.keywords] },
    optIn: { ...DEFAULT_KEYWORDS.optIn, keywords: [...DEFAULT_KEYWORDS.optIn.keywords] },
  };
}

/**
 * Which compliance keyword a whole inbound message is, if any, compared after normaliseKeywordText
 * (case, full-width forms, surrounding whitespace, quotes, trailing punctuation and emoji are
 * ignored; "STOP please" is not a keyword). When a word is in several sections, opting out wins:
 * failing to honour a STOP is the costly mistake. Opt-in is checked before help for the same reason
 * (it changes the subscriber's state, help does not).
 */
export function matchKeyword(text: string, keywords: ReadonlyKeywordSet): KeywordKind | undefined {
  const body = normaliseKeywordText(text);
  if (body === '') return undefined;
  for (const kind of ['optOut', 'optIn', 'help'] as const) {
    if (keywords[kind].keywords.some((k) => normaliseKeywordText(k) === body)) return kind;
  }
  return undefined;
}
