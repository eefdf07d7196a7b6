// What the SMSC simulator answers to each PDU, driven by its options (options.ts).
import {
  COMMAND_ID, COMMAND_STATUS, RESPONSE_BIT, decodeFrame, decodeShortMessagePdu, encodeHeaderOnly, encodeMessageIdResp, encodePdu,
  readHeader, type PduDecodeError, type PduHeader, type ShortMessagePdu,
} from '../adapters/smpp/index.js';
import type { BindType } from '../config/index.js';
import type { SmscConnection } from './connection.js';
import { isSilent, submitFault, type Faults } from './faults.js';
import type { ReceivedBind, ReceivedSubmit, ResolvedOptions, SentReceipt } from './options.js';
import { formatMessageId, normaliseOutcome, receiptFields, type MessageKey } from './receipts.js';

/** the shared state behaviour reads and records into (implemented by SmscSimulator) */
export interface SmscCore {
  readonly opts: ResolvedOptions;
  readonly binds: ReceivedBind[];
  readonly submits: ReceivedSubmit[];
  readonly receipts: SentReceipt[];
  readonly genericNacksReceived: PduHeader[];
  submitCount: number;
  unbindsReceived: number;
  enquireLinksReceived: number;
  nextMessageKey(): MessageKey;
  /** receipts no receiver took yet (no bind, a non-ROK resp, no resp): resent like a real SMSC's store-and-forward */
  readonly undeliveredReceipts: (() => void)[];
  /** a bound connection that can carry deliver_sm for this one's system_id */
  receiverFor(conn: SmscConnection): SmscConnection | undefined;
  changed(): void;
  /** faults switched on at run time (control server): see faults.ts */
  readonly faults: Faults;
}

const BIND_TYPES: Partial<Record<number, BindType>> = {
  [COMMAND_ID.bind_transceiver]: 'transceiver',
  [COMMAND_ID.bind_transmitter]: 'transmitter',
  [COMMAND_ID.bind_receiver]: 'receiver',
};

const RECEIPT_TIMEOUT_MS = 10_000;

/** returns false to stop reading this connection */
export function handleFrame(core: SmscCore, conn: SmscConnection, frame: Buffer): boolean {
  conn.pdusReceived++;
  const opts = isSilent(core.faults) ? { ...core.opts, silent: true } : core.opts;
  if (opts.dropAfterPdus !== undefined && conn.pdusReceived >= opts.dropAfterPdus) {
    conn.destroy();
    return false;
  }
  const header = readHeader(frame);
  if (header.commandId === COMMAND_ID.generic_nack) {
    core.genericNacksReceived.push(header);
    conn.settle(frame);
  } else if ((header.commandId & RESPONSE_BIT) !== 0 && conn.settle(frame)) {
    // a response to our deliver_sm / unbind / enquire_link
  } else if (BIND_TYPES[header.commandId]) {
    onBind(core, opts, conn, header, frame);
  } else if (header.commandId === COMMAND_ID.submit_sm) {
    onSubmit(core, opts, conn, header, frame);
  } else if (header.commandId === COMMAND_ID.enquire_link) {
    core.enquireLinksReceived++;
    if (opts.answerEnquireLink && !opts.silent) conn.send(encodeHeaderOnly(COMMAND_ID.enquire_link_resp, 0, header.sequenceNumber));
  } else if (header.commandId === COMMAND_ID.unbind) {
    core.unbindsReceived++;
    if (!opts.silent) {
      conn.send(encodeHeaderOnly(COMMAND_ID.unbind_resp, 0, header.sequenceNumber));
      conn.end();
    }
  } else if (!opts.silent && (header.commandId & RESPONSE_BIT) === 0) {
    const decoded = decodeFrame(frame);
    conn.send(decoded.ok
      ? encodeHeaderOnly((header.commandId | RESPONSE_BIT) >>> 0, COMMAND_STATUS.ESME_RINVCMDID, header.sequenceNumber)
      : encodeHeaderOnly(COMMAND_ID.generic_nack, decoded.commandStatus, header.sequenceNumber));
  }
  core.changed();
  return !conn.closed;
}

function onBind(core: SmscCore, opts: ResolvedOptions, conn: SmscConnection, header: PduHeader, frame: Buffer): void {
  const decoded = decodeFrame(frame);
  if (!decoded.ok) {
    if (!opts.silent) conn.send(encodeHeaderOnly(COMMAND_ID.generic_nack, decoded.commandStatus, header.sequenceNumber));
    return;
  }
  const p = decoded.pdu;
  const bindType = BIND_TYPES[header.commandId]!;
  const status = opts.silent ? undefined : core.faults.refuseBindsStatus ?? opts.bindStatus ?? bindStatus(opts, conn, String(p.system_id), String(p.password));
  core.binds.push({
    connection: conn.id, bindType,
    system_id: String(p.system_id), password: String(p.password), system_type: String(p.system_type),
    interface_version: Number(p.interface_version), addr_ton: Number(p.addr_ton), addr_npi: Number(p.addr_npi),
    address_range: String(p.address_range), commandStatus: status, at: Date.now(),
  });
  if (status === undefined) return;
  const respId = (header.commandId | RESPONSE_BIT) >>> 0;
  if (status !== COMMAND_STATUS.ESME_ROK) {
    conn.send(encodeHeaderOnly(respId, status, header.sequenceNumber));
    return;
  }
  conn.bindType = bindType;
  conn.systemId = String(p.system_id);
  conn.send(encodePdu(`${p.command}_resp`, header.sequenceNumber, { system_id: opts.systemId }));
  if (opts.unbindAfterBind) conn.unbind(RECEIPT_TIMEOUT_MS).catch(() => undefined);
  if (conn.canReceive) flushUndelivered(core);
}

/** A receiver bound: send what was waiting, as an SMSC drains its store-and-forward queue. */
function flushUndelivered(core: SmscCore): void {
  const waiting = core.undeliveredReceipts.splice(0);
  for (const resend of waiting) resend();
}

/** how long the simulator waits before retrying a receipt the ESME answered with an error */
const RECEIPT_RETRY_MS = 200;

function bindStatus(opts: ResolvedOptions, conn: SmscConnection, systemId: string, password: string): number {
  if (conn.bound) return COMMAND_STATUS.ESME_RALYBND;
  const accounts = [...(opts.credentials ? [opts.credentials] : []), ...(opts.accounts ?? [])];
  if (accounts.length === 0) return COMMAND_STATUS.ESME_ROK;
  const ofSystemId = accounts.filter((a) => a.systemId === systemId);
  if (ofSystemId.length === 0) return COMMAND_STATUS.ESME_RINVSYSID;
  if (!ofSystemId.some((a) => a.password === password)) return COMMAND_STATUS.ESME_RINVPASWD;
  return COMMAND_STATUS.ESME_ROK;
}

function onSubmit(core: SmscCore, opts: ResolvedOptions, conn: SmscConnection, header: PduHeader, frame: Buffer): void {
  if (opts.silent) return;
  if (!conn.bound || conn.bindType === 'receiver') {
    conn.send(encodeHeaderOnly(COMMAND_ID.submit_sm_resp, COMMAND_STATUS.ESME_RINVBNDSTS, header.sequenceNumber));
    return;
  }
  let pdu: ShortMessagePdu;
  try {
    pdu = decodeShortMessagePdu(frame);
  } catch (err) {
    conn.send(encodeHeaderOnly(COMMAND_ID.generic_nack, (err as PduDecodeError).commandStatus ?? COMMAND_STATUS.ESME_RSYSERR, header.sequenceNumber));
    return;
  }
  const index = core.submitCount++;
  const submit: ReceivedSubmit = Object.assign(pdu, { connection: conn.id, index, commandStatus: undefined, messageId: undefined, at: Date.now() });
  if (opts.recordSubmits) core.submits.push(submit);
  const fault = submitFault(core.faults);
  if (!opts.answerSubmits || fault === 'unanswered') return;

  const status = fault ?? submitStatus(opts, submit, index);
  const key = status === COMMAND_STATUS.ESME_ROK ? core.nextMessageKey() : undefined;
  submit.commandStatus = status;
  submit.messageId = key && formatMessageId(key, opts.messageIdFormat);
  const resp = encodeMessageIdResp(COMMAND_ID.submit_sm_resp, status, header.sequenceNumber, submit.messageId);

  const dlr = opts.autoDlr;
  const wantsDlr = key && dlr && (dlr.onlyWhenRequested === false || (submit.registered_delivery & 0x03) !== 0);
  const sendDlr = () => sendReceipt(core, conn, submit, key!);
  if (wantsDlr && dlr.beforeResp) sendDlr();
  if (opts.submitRespDelayMs) setTimeout(() => conn.send(resp), opts.submitRespDelayMs);
  else conn.send(resp);
  if (wantsDlr && !dlr.beforeResp) {
    if (dlr.delayMs) setTimeout(sendDlr, dlr.delayMs);
    else sendDlr();
  }
}

function submitStatus(opts: ResolvedOptions, submit: ReceivedSubmit, index: number): number {
  if (opts.submitStatus) return opts.submitStatus(submit, index);
  const t = opts.throttle;
  if (t && ((t.firstK !== undefined && index < t.firstK) || (t.everyNth !== undefined && (index + 1) % t.everyNth === 0))) {
    return t.status ?? COMMAND_STATUS.ESME_RTHROTTLED;
  }
  return COMMAND_STATUS.ESME_ROK;
}

function sendReceipt(core: SmscCore, conn: SmscConnection, submit: ReceivedSubmit, key: MessageKey): void {
  const dlr = core.opts.autoDlr!;
  const target = conn.canReceive && !conn.closed ? conn : core.receiverFor(conn);
  const outcome = normaliseOutcome(dlr.outcome?.(submit, submit.index) ?? 'DELIVRD');
  const receiptId = formatMessageId(key, dlr.idFormat ?? core.opts.messageIdFormat);
  const tlvId = dlr.tlvs === false ? undefined : formatMessageId(key, dlr.tlvIdFormat ?? dlr.idFormat ?? core.opts.messageIdFormat);
  const record: SentReceipt = {
    connection: target?.id ?? -1, submitIndex: submit.index, messageId: submit.messageId!, receiptId, stat: outcome.stat, respStatus: undefined,
  };
  if (core.opts.recordSubmits) core.receipts.push(record);
  const retry = () => sendReceipt(core, conn, submit, key);
  if (!target) {
    core.undeliveredReceipts.push(retry);
    return;
  }
  target.deliverSm(receiptFields(submit, { receiptId, tlvId, outcome, now: new Date() }), RECEIPT_TIMEOUT_MS)
    .then((r) => {
      record.respStatus = r.header.commandStatus;
      // not accepted (e.g. ESME_RX_T_APPN): keep it and try again later, unless this SMSC drops refused receipts
      if (r.header.commandStatus !== COMMAND_STATUS.ESME_ROK && dlr.retryRefused !== false) setTimeout(retry, RECEIPT_RETRY_MS).unref();
      core.changed();
    }, () => {
      // no resp in time on a live connection: retry there; a dead connection waits for the next bind
      if (target.closed) core.undeliveredReceipts.push(retry);
      else setTimeout(retry, RECEIPT_RETRY_MS).unref();
    });
}
