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
  /** a final receipt that matched no message after the hold, acknowledged anyway */
  receiptUnmatched(org: string, integration: string): void;
  mo(org: string, integration: string, keyword: KeywordKind | undefined): void;
}

export const NO_METRICS: OutboundMetrics = {
  status: () => undefined, submitted: () => undefined, submitOutcome: () => undefined, deliverSm: () => undefined, mo: () => undefined,
  receiptUnmatched: () => undefined,
};
