// Outbound compliance: nothing reaches a handset that opted out of a sender number, except that
// number's own auto-responses (the opt-out confirmation itself, HELP answers), which mo.ts queues with
// the AUTO_RESPONSE_HEADER and the number's configured text.
import { KEYWORD_KINDS, type KeywordKind, type ReadonlyKeywordSet } from './keywords.js';
import type { MtRejection } from './mt-message.js';

/** header on an auto-response MT (its value: the keyword kind it answers); see optOutRejection */
export const AUTO_RESPONSE_HEADER = 'Byo-Auto-Response';

export interface ComplianceDeps {
  isOptedOut: (sender: string, handset: string) => boolean;
  keywordsFor: (org: string, integration: string, e164: string) => ReadonlyKeywordSet | undefined;
}

export function optOutRejection(d: ComplianceDeps, org: string, integration: string,
  message: { from: string; to: string; text: string }, autoResponse: string | undefined): MtRejection | undefined {
  if (!d.isOptedOut(message.from, message.to)) return undefined;
  const kind = KEYWORD_KINDS.find((k) => k === autoResponse) as KeywordKind | undefined;
  if (kind && d.keywordsFor(org, integration, message.from)?.[kind].message === message.text) return undefined;
  return {
    genericErrorCause: 'RECIPIENT_OPTED_OUT',
    description: `${message.to} opted out of messages from ${message.from} (texted an opt-out keyword); nothing more is sent until they text an opt-in keyword`,
  };
}
