// What the message path reports to metrics (implemented over prom-client in src/adapters/metrics.ts).
// A port, so lanes and the inbound path stay free of the metrics library.
import { COMMAND_STATUS } from '../../adapters/smpp/constants.js';
import type { KeywordKind } from '../../domain/keywords.js';
import type { StatusState } from '../../domain/mt-message.js';

export interface OutboundMetrics {
  status(state: StatusState): void;
  /** a message's `submitted` was published: seconds since it was published on byo.mt */
  submitted(latencySeconds: number): void;
  /** one submit_sm answered (`status`: command_status name or 0x… code) or not ('timeout', 'closed', …) */
  submitOutcome(org: string, integration: string, status: string): void;
  deliverSm(org: string, integration: string, kind: 'receipt' | 'mo'): void;
  mo(org: string, integration: string, keyword: KeywordKind | undefined): void;
}

export const NO_METRICS: OutboundMetrics = {
  status: () => undefined, submitted: () => undefined, submitOutcome: () => undefined, deliverSm: () => undefined, mo: () => undefined,
};

const NAMES = new Map<number, string>(Object.entries(COMMAND_STATUS).map(([name, code]) => [code, name]));

/** ESME_RTHROTTLED for 0x58; an unnamed vendor code as 0x0000045a: bounded label values */
export function commandStatusLabel(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`;
}

const SUBMIT_ERROR_LABELS: Record<string, string> = { RESPONSE_TIMEOUT: 'timeout', SESSION_CLOSED: 'closed', GENERIC_NACK: 'generic_nack' };

/** a submit_sm that got no submit_sm_resp, by why; anything else never reached the wire ('not_sent') */
export function submitErrorLabel(code: string | undefined): string {
  return SUBMIT_ERROR_LABELS[code ?? ''] ?? 'not_sent';
}
