// What the message path reports to metrics: a port the lanes and the inbound path call and
// src/adapters/metrics.ts implements over prom-client, so neither side depends on the other.
import type { KeywordKind } from './keywords.js';
import type { StatusState } from './mt-message.js';

export interface OutboundMetrics {
  status(state: StatusState): void;
  /** a message's `submitted` was published: seconds since it was published on byo.mt */
  submitted(latencySeconds: number): void;
  /** one submit_sm answered (`status`: command_status name or 0x… code) or not ('timeout', 'closed', …) */
  submitOutcome(org: string, integration: string, status: string): void;
  deliverSm(org: string, integration: string, kind: 'receipt' | 'mo'): void;
  /** how a deliver_sm was answered when it was not simply handled: see DeliverSmAnswer */
  deliverSmAnswer(org: string, integration: string, answer: DeliverSmAnswer): void;
  mo(org: string, integration: string, keyword: KeywordKind | undefined): void;
  /** a pull request nats-server dropped without its 408 was noticed and pulled again (src/adapters/nats/lost-pulls.ts) */
  lostPull(org: string, integration: string): void;
}

/**
 * - `retried`: its outcome could not be stored at first (NATS fault) and was, before answering
 * - `notStored`: still not stored after BYO_DELIVER_SM_RETRY_MAX_MS: ESME_RX_T_APPN, the SMSC may resend it
 * - `unmatched`: a receipt for no known message: ESME_RX_T_APPN (its record may come later)
 * - `unmatchedGivenUp`: the same receipt unmatched for BYO_RECEIPT_UNMATCHED_GIVE_UP_MS: acknowledged, so the
 *   SMSC stops resending it
 */
export type DeliverSmAnswer = 'retried' | 'notStored' | 'unmatched' | 'unmatchedGivenUp';

export const NO_METRICS: OutboundMetrics = {
  status: () => undefined, submitted: () => undefined, submitOutcome: () => undefined, deliverSm: () => undefined,
  deliverSmAnswer: () => undefined, mo: () => undefined, lostPull: () => undefined,
};
