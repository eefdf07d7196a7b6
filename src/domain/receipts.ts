// Delivery receipts (deliver_sm with a receipt esm_class). The text format (SMPP 3.4 Appendix B) is
// only an example the spec calls vendor specific, so parsing is lenient: keys in any case and order,
// missing fields, dates with or without seconds, `text:` last and containing anything. TLVs
// (receipted_message_id, message_state) win over the text; the text fills what they leave out.

export const RECEIPT_STATES = [
  'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED', 'ENROUTE', 'SCHEDULED', 'SKIPPED',
] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

/** message_state TLV value → state (SMPP 3.4 §5.2.28; 0 SCHEDULED and 9 SKIPPED are v5.0). */
const MESSAGE_STATE_BY_VALUE: readonly ReceiptState[] = [
  'SCHEDULED', 'ENROUTE', 'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED', 'SKIPPED',
];

/**
 * Final states end the message. UNKNOWN is treated as a final failure: an SMSC that reports it has
 * stopped tracking the message and sends nothing more, so waiting would only hold the message until
 * the tracker's TTL. ACCEPTED is not final: vendors use ACCEPTD for "taken by the operator".
 */
const FINAL_STATES: ReadonlySet<ReceiptState> = new Set<ReceiptState>([
  'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'REJECTED', 'UNKNOWN', 'SKIPPED',
]);

/** `stat:` spellings (7-char SMPP forms, full words, common vendor variants) → state. */
const STAT_ALIASES: Readonly<Record<string, ReceiptState>> = {
  DELIVRD: 'DELIVERED', DELIVERED: 'DELIVERED',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIV: 'UNDELIVERABLE', UNDELIVERABLE: 'UNDELIVERABLE', UNDELIVERED: 'UNDELIVERABLE', FAILED: 'UNDELIVERABLE',
  ACCEPTD: 'ACCEPTED', ACCEPTED: 'ACCEPTED',
  UNKNOWN: 'UNKNOWN',
  REJECTD: 'REJECTED', REJECTED: 'REJECTED',
  ENROUTE: 'ENROUTE',
  SCHEDLD: 'SCHEDULED', SCHEDULED: 'SCHEDULED',
  SKIPPED: 'SKIPPED',
};

/** esm_class message type, bits 2–5 (Kannel's fix: mask them, don't compare the whole octet). */
export const ESM_MESSAGE_TYPE_MASK = 0x3c;
export const ESM_MC_DELIVERY_RECEIPT = 0x04;
export const ESM_INTERMEDIATE_NOTIFICATION = 0x20;

/** SME acknowledgements (SMPP 3.4 §5.2.12): the handset's application confirmed delivery (0x08) or its user did (0x10). */
export const ESM_SME_DELIVERY_ACK = 0x08;
export const ESM_SME_MANUAL_ACK = 0x10;
export type SmeAckKind = 'delivery' | 'manual';

/** The SME acknowledgement a deliver_sm is, by its esm_class message type; undefined for anything else. */
export function smeAckKind(esmClass: number): SmeAckKind | undefined {
  const type = esmClass & ESM_MESSAGE_TYPE_MASK;
  if (type === ESM_SME_DELIVERY_ACK) return 'delivery';
  if (type === ESM_SME_MANUAL_ACK) return 'manual';
  return undefined;
}

export type ReceiptKind = 'delivery_receipt' | 'intermediate_notification';

export function receiptKind(esmClass: number): ReceiptKind | undefined {
  const type = esmClass & ESM_MESSAGE_TYPE_MASK;
  if (type === ESM_MC_DELIVERY_RECEIPT) return 'delivery_receipt';
  if (type === ESM_INTERMEDIATE_NOTIFICATION) return 'intermediate_notification';
  return undefined;
}

/**
 * Whether a deliver_sm is a receipt rather than an MO message: MC delivery receipts and intermediate
 * notifications both are (an intermediate notification published as MO would reach users as text).
 * SME acknowledgements (0x08, 0x10) are not receipts.
 */
export function isDeliveryReceipt(esmClass: number): boolean {
  return receiptKind(esmClass) !== undefined;
}

export interface ReceiptInput {
  readonly esmClass: number;
  /** Decoded short_message, or message_payload when short_message was empty. */
  readonly text: string;
  /** receipted_message_id TLV (0x001E). */
  readonly receiptedMessageId?: string;
  /** message_state TLV (0x0427). */
  readonly messageState?: number;
  /** network_error_code TLV (0x0423): network type octet + 2-octet error code. */
  readonly networkErrorCode?: Uint8Array;
}

export interface NetworkErrorCode {
  /** 1 ANSI-136, 2 IS-95, 3 GSM, 4 ANSI-41 …; 0 when the SMSC sent the code as ASCII digits. */
  readonly networkType: number;
  readonly code: number;
}

export interface Receipt {
  /** Id as given (TLV first, else text), NULs and surrounding space removed: feed it to receiptKeys(). */
  readonly messageId: string;
  /** The text's `id:` when it differs from the TLV id: also worth a lookup. */
  readonly textMessageId?: string;
  readonly kind: ReceiptKind;
  readonly state: ReceiptState;
  /** No further receipt will follow. Always false for an intermediate notification. */
  readonly final: boolean;
  readonly delivered: boolean;
  /** `err:` as given, e.g. '000', '0x0B'. */
  readonly errorCode?: string;
  readonly networkErrorCode?: NetworkErrorCode;
  /** YYMMDDhhmm[ss] digits as given (time zone is the SMSC's, unknown to us). */
  readonly submitDate?: string;
  readonly doneDate?: string;
  readonly sub?: string;
  readonly dlvrd?: string;
  /** `text:` field: the first characters of the original message. */
  readonly text?: string;
}

export interface ReceiptParseError {
  readonly error: 'NO_MESSAGE_ID' | 'NO_STATE' | 'UNRECOGNISED_STATE';
  readonly message: string;
  readonly messageId?: string;
}

export function isReceiptParseError(r: Receipt | ReceiptParseError): r is ReceiptParseError {
  return 'error' in r;
}

/** Fields found in a receipt's text, raw (trimmed) values. */
export interface ReceiptTextFields {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

// Keys are found first and values are whatever lies between one key and the next, so an empty value
// ('id: sub:001') or a space after the colon does not swallow the next field.
const KEY = /(?:^|\s)(id|sub|dlvrd?|submit[ _]?date|done[ _]?date|stat(?:us|e)?|err(?:or)?|text)\s*:/gi;
const DATE = /^\d{10}(?:\d{2}){0,2}$/;

function fieldOf(key: string): keyof ReceiptTextFields {
  const k = key.toLowerCase();
  if (k.startsWith('submit')) return 'submitDate';
  if (k.startsWith('done')) return 'doneDate';
  if (k.startsWith('stat')) return 'stat';
  if (k.startsWith('err')) return 'err';
  if (k.startsWith('dlvr')) return 'dlvrd';
  return k as 'id' | 'sub' | 'text';
}

export function parseReceiptText(text: string): ReceiptTextFields {
  const fields: ReceiptTextFields = {};
  const marks: Array<{ field: keyof ReceiptTextFields; keyStart: number; valueStart: number }> = [];
  KEY.lastIndex = 0;
  for (let m = KEY.exec(text); m; m = KEY.exec(text)) {
    const field = fieldOf(m[1] as string);
    marks.push({ field, keyStart: m.index, valueStart: m.index + m[0].length });
    if (field === 'text') break; // the text field runs to the end and may contain anything
  }
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i];
    if (!mark) continue;
    const end = mark.field === 'text' ? text.length : (marks[i + 1]?.keyStart ?? text.length);
    const raw = text.slice(mark.valueStart, end);
    const value = mark.field === 'text' ? raw.replace(/^ /, '') : raw.trim();
    if (fields[mark.field] !== undefined) continue; // first occurrence wins
    if ((mark.field === 'submitDate' || mark.field === 'doneDate') && !DATE.test(value)) continue;
    if (value !== '' || mark.field === 'text') fields[mark.field] = value;
  }
  return fields;
}

/** For SMSCs that send receipts with esm_class 0: the text carries both an id and a stat. */
export function looksLikeReceiptText(text: string): boolean {
  const f = parseReceiptText(text);
  return f.id !== undefined && f.stat !== undefined;
}

export function stateFromStat(stat: string): ReceiptState | undefined {
  const key = stat.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (/^\d$/.test(key)) return MESSAGE_STATE_BY_VALUE[Number(key)];
  return STAT_ALIASES[key];
}

function networkErrorOf(tlv: Uint8Array | undefined): NetworkErrorCode | undefined {
  if (!tlv || tlv.length < 3) return undefined;
  const [a, b, c] = [tlv[0] as number, tlv[1] as number, tlv[2] as number];
  const isDigit = (x: number): boolean => x >= 0x30 && x <= 0x39;
  // Some SMSCs put three ASCII digits here (Kannel copes with it too); real network types are < 0x30.
  if (isDigit(a) && isDigit(b) && isDigit(c)) return { networkType: 0, code: Number(String.fromCharCode(a, b, c)) };
  return { networkType: a, code: (b << 8) | c };
}

const clean = (s: string | undefined): string => (s ?? '').replace(/\0/g, '').trim();

/**
 * A receipt from the TLVs and the text. Without esm_class receipt bits (a lenient caller passing an
 * esm_class 0 receipt) it is read as a delivery receipt.
 */
export function parseReceipt(input: ReceiptInput): Receipt | ReceiptParseError {
  const fields = parseReceiptText(input.text);
  const tlvId = clean(input.receiptedMessageId);
  const textId = clean(fields.id);
  const messageId = tlvId || textId;
  if (!messageId) {
    return { error: 'NO_MESSAGE_ID', message: 'receipt has neither receipted_message_id nor id: in its text' };
  }

  let state = input.messageState === undefined ? undefined : MESSAGE_STATE_BY_VALUE[input.messageState];
  if (!state && fields.stat !== undefined) {
    state = stateFromStat(fields.stat);
    if (!state) return { error: 'UNRECOGNISED_STATE', message: `unrecognised receipt stat "${fields.stat}"`, messageId };
  }
  if (!state) return { error: 'NO_STATE', message: 'receipt has neither message_state nor stat: in its text', messageId };

  const kind = receiptKind(input.esmClass) ?? 'delivery_receipt';
  const final = kind === 'delivery_receipt' && FINAL_STATES.has(state);
  const networkErrorCode = networkErrorOf(input.networkErrorCode);
  return {
    messageId,
    ...(tlvId && textId && tlvId !== textId ? { textMessageId: textId } : {}),
    kind,
    state,
    final,
    delivered: final && state === 'DELIVERED',
    ...(fields.err !== undefined ? { errorCode: fields.err } : {}),
    ...(networkErrorCode ? { networkErrorCode } : {}),
    ...(fields.submitDate !== undefined ? { submitDate: fields.submitDate } : {}),
    ...(fields.doneDate !== undefined ? { doneDate: fields.doneDate } : {}),
    ...(fields.sub !== undefined ? { sub: fields.sub } : {}),
    ...(fields.dlvrd !== undefined ? { dlvrd: fields.dlvrd } : {}),
    ...(fields.text !== undefined ? { text: fields.text } : {}),
  };
}
