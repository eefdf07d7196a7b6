// Vendor codes → the generic errors users see, through the integration's protocolSpecificCodeMapping
// (defaults merged with the customer's overrides). Keys are decimal command_status / err codes.
import type { AdvancedConfig } from '../config/index.js';
import type { Receipt, ReceiptState } from './receipts.js';
import { COMMAND_STATUS } from './command-status.js';

export type ProtocolCodeMapping = AdvancedConfig['protocolSpecificCodeMapping'];

/** genericErrorCode values the reference uses. */
export const GENERIC_OK = 0;
export const GENERIC_TEMPORARY = 2;
export const GENERIC_PERMANENT = 3;

export interface GenericError {
  readonly genericErrorCode: number;
  readonly genericErrorCause: string;
  readonly protocolCode?: string;
  readonly description: string;
}

export interface MappedProtocolCode extends GenericError {
  /** Decimal key that was looked up ('88'), or the code as given when it is not a number. */
  readonly protocolCode: string;
}

export { COMMAND_STATUS };

/** Transient by the SMPP spec: used when the mapping has no entry (or no temporary/permanent verdict). */
const RETRY_BY_SPEC: ReadonlySet<number> = new Set<number>([
  COMMAND_STATUS.ESME_RSYSERR, COMMAND_STATUS.ESME_RMSGQFUL, COMMAND_STATUS.ESME_RTHROTTLED, COMMAND_STATUS.ESME_RX_T_APPN,
]);

/**
 * A code as a mapping key: numbers as decimal; strings trimmed, '0x…' read as hex, digits read as
 * decimal with leading zeros dropped ('088' → '88'). Anything else (e.g. 'E12') has no key: bare hex
 * without '0x' is not guessed, since '100' would then be ambiguous.
 */
export function protocolCodeKey(code: number | string): string | undefined {
  if (typeof code === 'number') return Number.isSafeInteger(code) && code >= 0 ? String(code) : undefined;
  const s = code.replace(/\0/g, '').trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(s)) return String(parseInt(s.slice(2), 16));
  if (/^\d{1,10}$/.test(s)) return String(Number(s));
  return undefined;
}

function lookup(key: string | undefined, mapping: ProtocolCodeMapping): GenericError | undefined {
  return key !== undefined && Object.hasOwn(mapping, key) ? mapping[key] : undefined;
}

/**
 * Generic error for a command_status or a receipt `err:` code. An unmapped code is a permanent
 * failure named after the code: a vendor code nobody described is not safe to retry blindly.
 */
export function mapProtocolCode(code: number | string, mapping: ProtocolCodeMapping): MappedProtocolCode {
  const key = protocolCodeKey(code);
  const protocolCode = key ?? String(code).trim();
  const entry = lookup(key, mapping);
  if (entry) {
    return {
      genericErrorCode: entry.genericErrorCode,
      genericErrorCause: entry.genericErrorCause,
      protocolCode,
      description: entry.description,
    };
  }
  return {
    genericErrorCode: GENERIC_PERMANENT,
    genericErrorCause: 'OTHER_PERMANENT_FAILURE',
    protocolCode,
    description: `Unmapped vendor error ${protocolCode}`,
  };
}

export type CommandStatusClass = 'ok' | 'retry' | 'permanent' | 'rebind';

/**
 * What to do after a non-bind response's command_status:
 * - 'ok': 0.
 * - 'rebind': ESME_RINVBNDSTS — the SMSC no longer sees us bound; rebind, then retry the message.
 * - otherwise the mapping decides (genericErrorCode 2 → 'retry', 3 → 'permanent'), so a customer
 *   override changes policy too; codes without such an entry fall back to the SMPP transient list
 *   (RSYSERR, RMSGQFUL, RTHROTTLED, RX_T_APPN → 'retry') and everything else is 'permanent'.
 */
export function classifyCommandStatus(status: number, mapping?: ProtocolCodeMapping): CommandStatusClass {
  if (status === COMMAND_STATUS.ESME_ROK) return 'ok';
  if (status === COMMAND_STATUS.ESME_RINVBNDSTS) return 'rebind';
  const entry = mapping ? lookup(String(status >>> 0), mapping) : undefined;
  if (entry?.genericErrorCode === GENERIC_TEMPORARY) return 'retry';
  if (entry?.genericErrorCode === GENERIC_PERMANENT) return 'permanent';
  return RETRY_BY_SPEC.has(status) ? 'retry' : 'permanent';
}

/** Cause per failed final state when the receipt names no (non-zero, mapped) err code. */
const RECEIPT_STATE_ERRORS: Partial<Record<ReceiptState, Omit<GenericError, 'protocolCode'>>> = {
  UNDELIVERABLE: { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'CARRIER_DELIVERY_FAILED', description: 'The carrier could not deliver the message' },
  EXPIRED: { genericErrorCode: GENERIC_TEMPORARY, genericErrorCause: 'EXPIRED', description: 'The message expired before it could be delivered' },
  DELETED: { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'DELETED', description: 'The SMSC deleted the message' },
  REJECTED: { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'REJECTED', description: 'The SMSC or carrier rejected the message' },
  UNKNOWN: { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'OTHER_PERMANENT_FAILURE', description: 'The SMSC reported the message state as unknown' },
  SKIPPED: { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'OTHER_PERMANENT_FAILURE', description: 'The SMSC skipped the message' },
};

/**
 * The error for a failed final receipt; undefined when delivered or not final. A non-zero `err:` with
 * a mapping entry gives that entry (unless it maps to success, which a failed state contradicts);
 * otherwise the state's own cause, with the unmapped err code kept as protocolCode.
 */
export function mapReceiptFailure(
  receipt: Pick<Receipt, 'state' | 'final' | 'errorCode'>,
  mapping: ProtocolCodeMapping,
): GenericError | undefined {
  if (!receipt.final || receipt.state === 'DELIVERED') return undefined;
  const raw = receipt.errorCode;
  const key = raw === undefined ? undefined : protocolCodeKey(raw);
  const vendorCode = raw !== undefined && key !== '0' && raw.trim() !== '' ? (key ?? raw.trim()) : undefined;
  const entry = vendorCode === undefined ? undefined : lookup(key, mapping);
  if (vendorCode !== undefined && entry && entry.genericErrorCode !== GENERIC_OK) {
    return { genericErrorCode: entry.genericErrorCode, genericErrorCause: entry.genericErrorCause, protocolCode: vendorCode, description: entry.description };
  }
  const base = RECEIPT_STATE_ERRORS[receipt.state] ?? {
    genericErrorCode: GENERIC_PERMANENT, genericErrorCause: 'OTHER_PERMANENT_FAILURE', description: `Receipt state ${receipt.state}`,
  };
  if (vendorCode === undefined) return { ...base };
  return { ...base, protocolCode: vendorCode, description: `${base.description} (vendor error ${vendorCode})` };
}
