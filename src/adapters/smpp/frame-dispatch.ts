// What the session does with each PDU the SMSC sends: settle our requests with their responses, answer
// enquire_link and unbind itself, hand deliver_sm (and data_sm) to the consumer, and nack what it cannot read — then keep
// reading (the `smpp` package's reader wedges forever after one malformed PDU).
import { commandName, decodeFrame, encodeHeaderOnly, hex, isResponse, readHeader, type PduHeader } from './codec.js';
import { COMMAND_ID, COMMAND_STATUS, RESPONSE_BIT, TLV_TAG } from './constants.js';
import type { PendingRequest } from './request-window.js';
import { findTlv, tlvCString, tlvInt, type ShortMessagePdu } from './sm-codec.js';
import { GenericNackError, SmppError, type DeliverSm, type SessionEvent } from './types.js';

export interface FrameContext {
  window: { take(seq: number): PendingRequest | undefined };
  send(pdu: Buffer): void;
  emit(e: SessionEvent): void;
  close(reason: string): void;
}

/** requests an SMSC may send that have no response: ignored */
const NO_RESPONSE = new Set<number>([COMMAND_ID.alert_notification, COMMAND_ID.outbind]);

export function dispatchFrame(ctx: FrameContext, frame: Buffer): void {
  const header = readHeader(frame);
  if (header.commandId === COMMAND_ID.generic_nack) {
    onGenericNack(ctx, header);
  } else if (isResponse(header.commandId) && commandName(header.commandId)) {
    onResponse(ctx, header, frame);
  } else {
    onRequest(ctx, header, frame);
  }
}

/** never answered; settles the request it refers to, if any */
function onGenericNack(ctx: FrameContext, header: PduHeader): void {
  const req = ctx.window.take(header.sequenceNumber);
  req?.fail(new GenericNackError(req.command, header.commandStatus));
}

function onResponse(ctx: FrameContext, header: PduHeader, frame: Buffer): void {
  const req = ctx.window.take(header.sequenceNumber);
  if (!req) return; // late (after its timeout) or never asked for: nothing waits for it
  if (header.commandId !== req.responseId) {
    req.fail(new SmppError(`${req.command} (seq ${header.sequenceNumber}) answered with command_id ${hex(header.commandId)}`, 'UNEXPECTED_RESPONSE'));
    return;
  }
  try {
    req.complete(frame);
  } catch (err) {
    req.fail(new SmppError(`cannot decode the ${req.command} response: ${(err as Error).message}`, 'INVALID_RESPONSE', { cause: err }));
  }
}

function onRequest(ctx: FrameContext, header: PduHeader, frame: Buffer): void {
  const seq = header.sequenceNumber;
  switch (header.commandId) {
    case COMMAND_ID.enquire_link:
      ctx.send(encodeHeaderOnly(COMMAND_ID.enquire_link_resp, COMMAND_STATUS.ESME_ROK, seq));
      ctx.emit({ type: 'pdu.enquire_link' });
      return;
    case COMMAND_ID.unbind:
      ctx.send(encodeHeaderOnly(COMMAND_ID.unbind_resp, COMMAND_STATUS.ESME_ROK, seq));
      ctx.emit({ type: 'pdu.unbind' });
      ctx.close('unbind from the SMSC');
      return;
    case COMMAND_ID.deliver_sm:
    case COMMAND_ID.data_sm: // MO or receipt, the text in message_payload (SMPP 3.4 §4.7)
      onDeliverSm(ctx, header, frame);
      return;
  }
  if (NO_RESPONSE.has(header.commandId)) return;
  const decoded = decodeFrame(frame);
  if (!decoded.ok) {
    nack(ctx, header, decoded.commandStatus, decoded.message);
    return;
  }
  // a request an ESME does not serve (submit_sm, query_sm, bind_* from the SMSC...)
  ctx.send(encodeHeaderOnly((header.commandId | RESPONSE_BIT) >>> 0, COMMAND_STATUS.ESME_RINVCMDID, seq));
}

function onDeliverSm(ctx: FrameContext, header: PduHeader, frame: Buffer): void {
  const decoded = decodeFrame(frame);
  if (!decoded.ok) {
    nack(ctx, header, decoded.commandStatus, decoded.message);
    return;
  }
  const command = header.commandId === COMMAND_ID.data_sm ? 'data_sm' : 'deliver_sm';
  ctx.emit({ type: 'pdu.deliver_sm', pdu: toDeliverSm(decoded.pdu as unknown as ShortMessagePdu, command) });
}

function nack(ctx: FrameContext, header: PduHeader, commandStatus: number, message: string): void {
  ctx.send(encodeHeaderOnly(COMMAND_ID.generic_nack, commandStatus, header.sequenceNumber));
  ctx.emit({ type: 'smpp.codec_error', recoverable: true, message, commandId: header.commandId });
}

export function toDeliverSm(p: ShortMessagePdu, command: DeliverSm['command'] = 'deliver_sm'): DeliverSm {
  return {
    command,
    sequenceNumber: p.sequence_number,
    serviceType: p.service_type,
    sourceAddrTon: p.source_addr_ton,
    sourceAddrNpi: p.source_addr_npi,
    sourceAddr: p.source_addr,
    destAddrTon: p.dest_addr_ton,
    destAddrNpi: p.dest_addr_npi,
    destinationAddr: p.destination_addr,
    esmClass: p.esm_class,
    dataCoding: p.data_coding,
    shortMessage: p.short_message,
    receiptedMessageId: tlvCString(p.tlvs, TLV_TAG.receipted_message_id),
    messageState: tlvInt(p.tlvs, TLV_TAG.message_state),
    networkErrorCode: findTlv(p.tlvs, TLV_TAG.network_error_code),
    messagePayload: findTlv(p.tlvs, TLV_TAG.message_payload),
    sarMsgRefNum: tlvInt(p.tlvs, TLV_TAG.sar_msg_ref_num),
    sarTotalSegments: tlvInt(p.tlvs, TLV_TAG.sar_total_segments),
    sarSegmentSeqnum: tlvInt(p.tlvs, TLV_TAG.sar_segment_seqnum),
  };
}
