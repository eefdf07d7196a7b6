// Opt-out by intent: what to do with a message that is not a keyword but mentions an opt-out keyword
// as a word ("please stop texting me"). Per number, opt-in (`off` keeps the reference's behaviour):
// - confirm: the handset gets one reply asking it to text the keyword, at most once per confirm
//   interval (BYO_OPT_OUT_CONFIRM_INTERVAL_MS, a day by default) per (number, handset) pair;
// - optOut:  the message is treated as the keyword itself (opted out, opt-out auto-response sent).
import { z } from 'zod';
import { matchKeyword, type KeywordKind, type ReadonlyKeywordSet } from './keywords.js';
import { mentionsKeyword } from './keyword-normalise.js';

export const OPT_OUT_BY_INTENT = ['off', 'confirm', 'optOut'] as const;
export type OptOutByIntent = (typeof OPT_OUT_BY_INTENT)[number];
export const optOutByIntentSchema = z.enum(OPT_OUT_BY_INTENT, { error: `optOutByIntent must be one of ${OPT_OUT_BY_INTENT.join(', ')}` });

/**
 * How an inbound message counts for compliance: a keyword (byIntent when only mentioned and the
 * number treats a mention as the keyword), a mention to confirm, or neither (all fields absent).
 */
export interface InboundClassification {
  keyword?: KeywordKind;
  byIntent?: true;
  confirmOptOut?: true;
}

/** A whole keyword always wins; a mention of an opt-out keyword counts only as the number allows. */
export function classifyInbound(text: string, keywords: ReadonlyKeywordSet, byIntent: OptOutByIntent): InboundClassification {
  const keyword = matchKeyword(text, keywords);
  if (keyword) return { keyword };
  if (byIntent === 'off' || !mentionsKeyword(text, keywords.optOut.keywords)) return {};
  return byIntent === 'optOut' ? { keyword: 'optOut', byIntent: true } : { confirmOptOut: true };
}

/**
 * The confirm reply: names the keyword to text (STOP when the number has it, else its first opt-out
 * keyword) in the reference's wording ("Reply STOP to unsubscribe.").
 */
export function optOutConfirmMessage(keywords: ReadonlyKeywordSet): string {
  const list = keywords.optOut.keywords;
  const word = list.find((k) => k.toUpperCase() === 'STOP') ?? list[0] ?? 'STOP';
  return `Did you want to stop receiving messages from this number? Reply ${word} to unsubscribe.`;
}

/** Whether a confirm reply may go out now: never asked, or last asked a whole interval ago. */
export function optOutConfirmDue(lastAskedAt: string | undefined, now: Date, intervalMs: number): boolean {
  if (lastAskedAt === undefined) return true;
  const last = Date.parse(lastAskedAt);
  return Number.isNaN(last) || now.getTime() - last >= intervalMs;
}
