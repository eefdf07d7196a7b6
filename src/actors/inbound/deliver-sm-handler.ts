// deliver_sm from the SMSC: a delivery receipt (by esm_class) goes to the tracker; an SME
// acknowledgement (esm_class 0x08 / 0x10) becomes an `acknowledged` status; anything else is a
// mobile-originated message (or one part of one) for mo.ts. The deliver_sm is answered only once the outcome is
// durable. A NATS fault (a JetStream leader being elected, a node down) is ridden out here: the handling is
// retried, as an SMSC's resend would be (it is idempotent), for up to BYO_DELIVER_SM_RETRY_MAX_MS before
// the SMSC is told to retry (ESME_RX_T_APPN) — several SMSCs never resend a refused receipt.
import type { Logger } from 'pino';
import type { DeliverSm, SmppSession } from '../../adapters/smpp/index.js';
import {
  decodeInbound, isReceiptParseError, parseReceipt, receiptKind, smeAckKind, type SmeAckKind, mapReceiptFailure, COMMAND_STATUS, fromSmppAddress,
} from '../../domain/index.js';
import type { AdvancedConfig, IntegrationConfig } from '../../config/index.js';
import type { Tracker, StatusPublisher, OutboundMetrics } from '../outbound/index.js';
import type { MoAssembler } from './mo-assembler.js';
import type { UnmatchedReceipts } from './unmatched-receipts.js';

const { ESME_ROK, ESME_RX_T_APPN } = COMMAND_STATUS;

export interface InboundDeps {
  mo: MoAssembler;
  metrics: OutboundMetrics;
  tracker: Tracker;
  statuses: StatusPublisher;
  logger: Logger;
  now: () => Date;
  receiptHoldMs: number;
  /** how long a deliver_sm that cannot be handled (NATS fault) is retried before ESME_RX_T_APPN; first pause */
  retryMaxMs: number;
  retryDelayMs: number;
  /** is a submit that one of these receipt ids could match being recorded on this instance right now? */
  isRecording: (receiptIds: readonly string[]) => boolean;
  /** is any record of this instance being retried after a failure (the tracking store unhealthy)? */
  recordsFailing?: () => boolean;
  unmatched: UnmatchedReceipts;
  /** resolves when a submit with one of `receiptIds` (any submit, without them) is recorded on this instance, or after `ms` */
  nextRecord: (ms: number, receiptIds?: readonly string[]) => Promise<void>;
}

export interface InboundContext {
  org: string;
  integration: string;
  config: IntegrationConfig;
  advanced: AdvancedConfig;
}

/** the longest pause between two attempts at a deliver_sm that cannot be handled yet */
const RETRY_DELAY_CAP_MS = 2_000;

export async function handleDeliverSm(d: InboundDeps, ctx: InboundContext, session: SmppSession, pdu: DeliverSm): Promise<void> {
  const receipt = receiptKind(pdu.esmClass);
  const ack = smeAckKind(pdu.esmClass);
  d.metrics.deliverSm(ctx.org, ctx.integration, receipt || ack ? 'receipt' : 'mo');
  const deadline = Date.now() + d.retryMaxMs;
  let status: number = ESME_RX_T_APPN;
  for (let attempt = 1; ; attempt++) {
    try {
      status = ack ? await handleSmeAck(d, ctx, pdu, ack) : receipt ? await handleReceipt(d, ctx, pdu, deadline) : await publishMo(d, ctx, pdu);
      if (attempt > 1) d.metrics.deliverSmAnswer(ctx.org, ctx.integration, 'retried');
      break;
    } catch (err) {
      const left = deadline - Date.now();
      // nobody to answer, or out of time: the SMSC resends it (or, for some SMSCs, drops it)
      if (left <= 0 || session.closed) {
        d.metrics.deliverSmAnswer(ctx.org, ctx.integration, 'notStored');
        d.logger.warn({ err, org: ctx.org, integration: ctx.integration, attempts: attempt }, 'deliver_sm not processed; asking the SMSC to retry');
        break;
      }
      if (attempt === 1) d.logger.warn({ err, org: ctx.org, integration: ctx.integration }, 'deliver_sm not processed yet; retrying before answering');
      await sleep(Math.min(left, RETRY_DELAY_CAP_MS, d.retryDelayMs * 2 ** Math.min(attempt - 1, 8)));
    }
  }
  session.respondDeliverSm(pdu, status);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handleReceipt(d: InboundDeps, ctx: InboundContext, pdu: DeliverSm, retryDeadline: number): Promise<number> {
  const body = pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.messagePayload ?? Buffer.alloc(0));
  const text = decodeInbound({ shortMessage: body, dataCoding: pdu.dataCoding, esmClass: pdu.esmClass & ~0x40 }).text;
  const receipt = parseReceipt({
    esmClass: pdu.esmClass, text,
    ...(pdu.receiptedMessageId ? { receiptedMessageId: pdu.receiptedMessageId } : {}),
    ...(pdu.messageState !== undefined ? { messageState: pdu.messageState } : {}),
    ...(pdu.networkErrorCode ? { networkErrorCode: pdu.networkErrorCode } : {}),
  });
  if (isReceiptParseError(receipt)) {
    // Unusable receipt: acknowledging it loses nothing we could act on; say so loudly.
    d.logger.warn({ org: ctx.org, integration: ctx.integration, problem: receipt.message }, 'unparseable delivery receipt');
    return ESME_ROK;
  }
  if (!receipt.final) return ESME_ROK;
  const ids = [receipt.messageId, ...(receipt.textMessageId ? [receipt.textMessageId] : [])];
  const failure = mapReceiptFailure(receipt, ctx.advanced.protocolSpecificCodeMapping);
  // A receipt can overtake its submit_sm_resp (or our record of it): hold it a while, bounded; longer
  // (up to the retry deadline) while this instance is still writing a record it could match, and for a
  // whole hold after that record is written (a replica serving the read may lag behind it).
  let holdUntil = Date.now() + d.receiptHoldMs;
  // The SMSC sends a receipt right behind its submit_sm_resp, often in the same read. The resp reaches
  // its lane in a promise continuation (submit().then), which runs after this synchronous dispatch: so
  // let pending continuations run first, or the record the resp starts is not known yet and the receipt
  // reads KV (a miss in every id base: three direct gets) before waiting for it anyway.
  await new Promise<void>((resolve) => setImmediate(resolve));
  // Its record is being written here right now (the SMSC sent it right behind the resp): its reference
  // does not exist yet, so wait for that record before reading, instead of missing in KV first. The wait
  // ends when this record is written (nextRecord is keyed by segment id), so it is bounded by the hold
  // only for a record that is stuck; a saturated engine takes several 50 ms turns for the record's
  // three round trips, and a shorter bound only made the receipt miss in KV (two reads) and wait anyway.
  let recording = d.isRecording(ids);
  if (recording) await d.nextRecord(d.receiptHoldMs, ids);
  for (;;) {
    const outcome = await d.tracker.applyReceipt(ctx.org, ctx.integration, ids, failure,
      (t) => d.statuses.final(ctx.org, ctx.integration, t.id, t.final!, t.segments, t.smscIds, t.error));
    if (outcome.kind !== 'unknown') {
      d.unmatched.matched(receipt.messageId);
      return ESME_ROK;
    }
    const stillRecording = d.isRecording(ids);
    // its record was written meanwhile and the read still missed: a replica may lag, hold it once more
    if (recording && !stillRecording) holdUntil = Math.max(holdUntil, Date.now() + d.receiptHoldMs);
    recording = stillRecording;
    // while this instance cannot write its records, a miss proves nothing: hold as for its own record
    const until = recording || d.recordsFailing?.() ? Math.max(holdUntil, retryDeadline) : holdUntil;
    const left = until - Date.now();
    if (left <= 0) break;
    await d.nextRecord(Math.min(left, 250), ids);
  }
  const log = { org: ctx.org, integration: ctx.integration, receiptId: receipt.messageId };
  if (d.unmatched.givenUp(receipt.messageId)) {
    d.metrics.deliverSmAnswer(ctx.org, ctx.integration, 'unmatchedGivenUp');
    d.logger.warn(log, 'receipt still matches no submitted message after BYO_RECEIPT_UNMATCHED_GIVE_UP_MS; acknowledged so the SMSC stops resending it');
    return ESME_ROK;
  }
  d.metrics.deliverSmAnswer(ctx.org, ctx.integration, 'unmatched');
  d.logger.warn(log, 'receipt matches no submitted message; SMSC asked to retry');
  return ESME_RX_T_APPN;
}

/** An SME acknowledgement is never text for users: published as the message's `acknowledged` status. */
async function handleSmeAck(d: InboundDeps, ctx: InboundContext, pdu: DeliverSm, ack: SmeAckKind): Promise<number> {
  const body = pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.messagePayload ?? Buffer.alloc(0));
  const text = decodeInbound({ shortMessage: body, dataCoding: pdu.dataCoding, esmClass: pdu.esmClass & ~0x40 }).text;
  const textId = /\bid:(\S+)/i.exec(text)?.[1];
  const ids = [pdu.receiptedMessageId, textId].filter((x): x is string => !!x);
  const track = ids.length ? await d.tracker.messageFor(ctx.org, ctx.integration, ids) : undefined;
  if (!track) {
    // Nothing to attach it to; acknowledging loses nothing, and it must not reach users as MO text.
    d.logger.warn({ org: ctx.org, integration: ctx.integration, ack, ids }, 'SME acknowledgement matches no submitted message');
    return ESME_ROK;
  }
  await d.statuses.acknowledged(ctx.org, ctx.integration, track.id, ack, track.segments, track.smscIds);
  return ESME_ROK;
}

async function publishMo(d: InboundDeps, ctx: InboundContext, pdu: DeliverSm): Promise<number> {
  const body = pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.messagePayload ?? Buffer.alloc(0));
  const sar = pdu.sarMsgRefNum !== undefined && pdu.sarTotalSegments !== undefined && pdu.sarSegmentSeqnum !== undefined
    ? { reference: pdu.sarMsgRefNum, total: pdu.sarTotalSegments, sequence: pdu.sarSegmentSeqnum } : undefined;
  const decoded = decodeInbound({ shortMessage: body, dataCoding: pdu.dataCoding, esmClass: pdu.esmClass, charsets: ctx.advanced.charsets, ...(sar ? { sar } : {}) });
  // inboundPlusPrefix only says whether the vendor sends "+": fromSmppAddress accepts both spellings.
  const from = fromSmppAddress(pdu.sourceAddr, { ton: pdu.sourceAddrTon }) ?? pdu.sourceAddr;
  const to = fromSmppAddress(pdu.destinationAddr, { ton: pdu.destAddrTon }) ?? pdu.destinationAddr;
  await d.mo.receive({
    org: ctx.org, integration: ctx.integration, from, to, text: decoded.text, dataCoding: pdu.dataCoding,
    receivedAt: d.now().toISOString(), ...(decoded.concat ? { concat: { ...decoded.concat } } : {}),
  });
  return ESME_ROK;
}
