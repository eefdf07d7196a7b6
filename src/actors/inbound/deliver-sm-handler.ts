// deliver_sm from the SMSC: a delivery receipt (by esm_class) goes to the tracker; an SME
// acknowledgement (esm_class 0x08 / 0x10) becomes an `acknowledged` status; anything else is a
// mobile-originated message (or one part of one) for mo.ts. The deliver_sm is answered only once the outcome is
// durable; what cannot be handled now is answered ESME_RX_T_APPN so the SMSC delivers it again later. A receipt
// rides out a short NATS fault itself (held, its write retried, answered once recorded); one that matches no
// message after the hold is acknowledged and reported (unmatched-receipts.ts), not refused for ever.
import type { Logger } from 'pino';
import type { DeliverSm, SmppSession } from '../../adapters/smpp/index.js';
import {
  decodeInbound, isReceiptParseError, parseReceipt, receiptKind, smeAckKind, type SmeAckKind, mapReceiptFailure, COMMAND_STATUS, fromSmppAddress,
} from '../../domain/index.js';
import type { AdvancedConfig, IntegrationConfig } from '../../config/index.js';
import type { Tracker, StatusPublisher, OutboundMetrics, ReceiptOutcome } from '../outbound/index.js';
import type { MoAssembler } from './mo-assembler.js';
import type { UnmatchedReceiptDetail, UnmatchedReceipts } from './unmatched-receipts.js';

const { ESME_ROK, ESME_RX_T_APPN } = COMMAND_STATUS;

export interface InboundDeps {
  mo: MoAssembler;
  metrics: OutboundMetrics;
  tracker: Tracker;
  statuses: StatusPublisher;
  logger: Logger;
  now: () => Date;
  receiptHoldMs: number;
  /** how long a receipt that cannot be recorded yet is held while its write is retried (BYO_RECEIPT_RECORD_WAIT_MS) */
  receiptRecordWaitMs: number;
  /** longest pause between two attempts to record a receipt */
  retryDelayMs: number;
  /** the record of a message a receipt names, while this instance is still writing it (PendingRecords) */
  pendingRecord: (org: string, integration: string, receiptIds: readonly string[]) => Promise<unknown> | undefined;
  unmatched: UnmatchedReceipts;
  /** resolves when a submit with one of `receiptIds` (any submit, without them) is recorded on this instance, or after `ms` */
  nextRecord: (ms: number, receiptIds?: readonly string[]) => Promise<void>;
}

export interface InboundContext {
  org: string;
  integration: string;
  config: IntegrationConfig;
  advanced: AdvancedConfig;
  /** publishes an `integration.<name>` notice event */
  notice: (name: string, detail: UnmatchedReceiptDetail) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export async function handleDeliverSm(d: InboundDeps, ctx: InboundContext, session: SmppSession, pdu: DeliverSm): Promise<void> {
  let status: number = ESME_RX_T_APPN;
  try {
    const receipt = receiptKind(pdu.esmClass);
    const ack = smeAckKind(pdu.esmClass);
    d.metrics.deliverSm(ctx.org, ctx.integration, receipt || ack ? 'receipt' : 'mo');
    status = ack ? await handleSmeAck(d, ctx, pdu, ack) : receipt ? await handleReceipt(d, ctx, pdu) : await publishMo(d, ctx, pdu);
  } catch (err) {
    d.logger.warn({ err, org: ctx.org, integration: ctx.integration }, 'deliver_sm not processed; asking the SMSC to retry');
  }
  session.respondDeliverSm(pdu, status);
}

async function handleReceipt(d: InboundDeps, ctx: InboundContext, pdu: DeliverSm): Promise<number> {
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
  // A receipt can overtake its submit_sm_resp (or our record of it): hold it a while, bounded.
  const deadline = Date.now() + d.receiptHoldMs;
  const recordBy = Date.now() + d.receiptRecordWaitMs;
  for (let attempt = 0; ; attempt++) {
    let outcome: ReceiptOutcome;
    try {
      outcome = await d.tracker.applyReceipt(ctx.org, ctx.integration, ids, failure,
        (t) => d.statuses.final(ctx.org, ctx.integration, t.id, t.final!, t.segments, t.smscIds, t.error));
    } catch (err) {
      // NATS slow or away: keep the receipt and retry our own write; the SMSC is asked to retry only after recordBy
      if (Date.now() >= recordBy) throw err;
      d.logger.debug({ err, org: ctx.org, integration: ctx.integration, attempt }, 'receipt not recorded yet; retrying');
      await sleep(Math.min(recordBy - Date.now(), d.retryDelayMs, 100 * 2 ** Math.min(attempt, 10)));
      continue;
    }
    if (outcome.kind !== 'unknown') return ESME_ROK;
    // its message's record is still being written here (NATS away): it is not unmatched, wait for that write
    const pending = d.pendingRecord(ctx.org, ctx.integration, ids);
    if (pending) {
      if (Date.now() >= recordBy) return ESME_RX_T_APPN;
      await Promise.race([pending, sleep(recordBy - Date.now())]);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await d.nextRecord(Math.min(left, 250), ids);
  }
  d.metrics.receiptUnmatched(ctx.org, ctx.integration);
  d.logger.warn({ org: ctx.org, integration: ctx.integration, receiptId: receipt.messageId }, 'receipt matches no submitted message; acknowledged (ESME_ROK)');
  d.unmatched.note(ctx.org, ctx.integration, receipt.messageId, (detail) => ctx.notice('receipt_unmatched', detail));
  return ESME_ROK;
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
