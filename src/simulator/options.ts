// Behaviour of the SMSC simulator: options, named presets (after Jasmin's HappySMSC / BindErrorSMSC /
// NoResponseOnSubmitSMSC ladder, named by what the SMSC does) and the records it keeps of what it received.
import type { BindType } from '../config/index.js';
import { COMMAND_STATUS, type ShortMessagePdu } from '../adapters/smpp/index.js';

/**
 * How message ids are written. Real SMSCs answer submit_sm_resp in one base and write receipts in another
 * (e.g. resp hex zero-padded, receipt decimal): see smpp-field-notes.md §1.
 */
export type MessageIdFormat = 'decimal' | 'decimalPadded' | 'hex' | 'hexPadded' | 'uuid';
export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'DELETED' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE';
export interface ReceiptOutcome {
  stat: ReceiptStat;
  /** the receipt's err: field (3 digits) and, when non-zero, the network_error_code TLV */
  err?: number;
}

export interface AutoDlrOptions {
  /** wait before sending the receipt; 0 sends it right behind the submit_sm_resp */
  delayMs?: number;
  /** per-submit outcome; default DELIVRD */
  outcome?: (submit: ReceivedSubmit, index: number) => ReceiptStat | ReceiptOutcome;
  /** id in the receipt text; defaults to the submit_sm_resp format */
  idFormat?: MessageIdFormat;
  /** add receipted_message_id + message_state TLVs (default true) */
  tlvs?: boolean;
  /** id format inside receipted_message_id; defaults to idFormat */
  tlvIdFormat?: MessageIdFormat;
  /** the race real SMSCs produce: the receipt is on the wire before the submit_sm_resp */
  beforeResp?: boolean;
  /** only when registered_delivery asks for one (default true) */
  onlyWhenRequested?: boolean;
  /**
   * false: a receipt the ESME refuses (any deliver_sm_resp error) is dropped, never sent again, as several
   * real SMSCs do; it stays in `receipts` with its respStatus. Default true: retried until accepted.
   */
  retryRefused?: boolean;
}

export interface SimulatorAccount {
  systemId: string;
  password: string;
}

export interface SimulatorOptions {
  preset?: SimulatorPreset;
  /** serve TLS with this key and certificate (or generate one: selfSignedCertificate()) */
  tls?: { key: string; cert: string };
  /** accepted credentials; any other system_id gets ESME_RINVSYSID, any other password ESME_RINVPASWD */
  credentials?: SimulatorAccount;
  /** several accepted accounts (with `credentials`, both are accepted); none: any system_id binds */
  accounts?: readonly SimulatorAccount[];
  /** listen address; default 127.0.0.1, port 0 (the OS picks one: read `port`) */
  host?: string;
  port?: number;
  /** answer every bind with this status */
  bindStatus?: number;
  /** accept TCP and never answer anything */
  silent?: boolean;
  /** destroy a connection when its Nth PDU arrives (that PDU is not answered) */
  dropAfterPdus?: number;
  /** send unbind right after a successful bind */
  unbindAfterBind?: boolean;
  answerEnquireLink?: boolean;
  /** false: read submit_sm and never answer (Jasmin's NoResponseOnSubmitSMSC) */
  answerSubmits?: boolean;
  submitRespDelayMs?: number;
  /** answer ESME_RTHROTTLED (or `status`) to the first K submits and/or every Nth (1-based) */
  throttle?: { firstK?: number; everyNth?: number; status?: number };
  /** full control over the submit_sm_resp status; wins over throttle */
  submitStatus?: (submit: ReceivedSubmit, index: number) => number;
  messageIdFormat?: MessageIdFormat;
  /** send a delivery receipt for each accepted submit */
  autoDlr?: boolean | AutoDlrOptions;
  /** keep every submit in `submits` (turn off for benchmarks; `submitCount` still counts) */
  recordSubmits?: boolean;
  /** system_id in bind_resp */
  systemId?: string;
  maxPduLength?: number;
}

export interface ResolvedOptions extends Omit<SimulatorOptions, 'autoDlr' | 'preset'> {
  answerEnquireLink: boolean;
  answerSubmits: boolean;
  messageIdFormat: MessageIdFormat;
  recordSubmits: boolean;
  systemId: string;
  maxPduLength: number;
  autoDlr: AutoDlrOptions | undefined;
}

export const SIMULATOR_PRESETS = {
  happy: {},
  wrongPassword: { bindStatus: COMMAND_STATUS.ESME_RINVPASWD },
  bindError: { bindStatus: COMMAND_STATUS.ESME_RBINDFAIL },
  alreadyBound: { bindStatus: COMMAND_STATUS.ESME_RALYBND },
  neverAnswers: { silent: true },
  noResponseOnSubmit: { answerSubmits: false },
  dropsAfter: { dropAfterPdus: 2 },
  sendsUnbind: { unbindAfterBind: true },
  throttle: { throttle: { everyNth: 2 } },
  noEnquireLinkResponse: { answerEnquireLink: false },
  slowSubmitResp: { submitRespDelayMs: 1_000 },
  dlrBeforeResp: { autoDlr: { beforeResp: true } },
  hexRespDecimalReceipt: { messageIdFormat: 'hexPadded', autoDlr: { idFormat: 'decimal' } },
} as const satisfies Record<string, Omit<SimulatorOptions, 'preset'>>;
export type SimulatorPreset = keyof typeof SIMULATOR_PRESETS;

/** preset first, explicit options over it */
export function resolveOptions(opts: SimulatorOptions): ResolvedOptions {
  const merged: SimulatorOptions = { ...(opts.preset ? SIMULATOR_PRESETS[opts.preset] : {}), ...opts };
  const autoDlr = merged.autoDlr === true ? {} : merged.autoDlr || undefined;
  return {
    ...merged,
    answerEnquireLink: merged.answerEnquireLink ?? true,
    answerSubmits: merged.answerSubmits ?? true,
    messageIdFormat: merged.messageIdFormat ?? 'decimal',
    recordSubmits: merged.recordSubmits ?? true,
    systemId: merged.systemId ?? 'FAKESMSC',
    maxPduLength: merged.maxPduLength ?? 70_000,
    autoDlr,
  };
}

export interface ReceivedBind {
  connection: number;
  bindType: BindType;
  system_id: string;
  password: string;
  system_type: string;
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
  /** undefined when the SMSC did not answer */
  commandStatus: number | undefined;
  at: number;
}

/** submit_sm as decoded (wire names, raw short_message) plus what the simulator did with it */
export interface ReceivedSubmit extends ShortMessagePdu {
  connection: number;
  /** 0-based across the whole SMSC */
  index: number;
  /** undefined when the SMSC did not answer */
  commandStatus: number | undefined;
  messageId: string | undefined;
  at: number;
}

export interface SentReceipt {
  connection: number;
  submitIndex: number;
  messageId: string;
  receiptId: string;
  stat: ReceiptStat;
  /** deliver_sm_resp status, undefined while waiting or when the connection closed first */
  respStatus: number | undefined;
}
