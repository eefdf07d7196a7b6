// Metric label values for the message path: bounded names for command_status codes and submit errors.
import { commandStatusName } from '../../domain/index.js';

// The port itself lives in src/domain (the metrics adapter implements it); re-exported for the lanes.
export { NO_METRICS, type OutboundMetrics } from '../../domain/index.js';

/** ESME_RTHROTTLED for 0x58; an unnamed vendor code as 0x0000045a: bounded label values */
export const commandStatusLabel = commandStatusName;

const SUBMIT_ERROR_LABELS: Record<string, string> = { RESPONSE_TIMEOUT: 'timeout', SESSION_CLOSED: 'closed', GENERIC_NACK: 'generic_nack' };

/** a submit_sm that got no submit_sm_resp, by why; anything else never reached the wire ('not_sent') */
export function submitErrorLabel(code: string | undefined): string {
  return SUBMIT_ERROR_LABELS[code ?? ''] ?? 'not_sent';
}
