// PDU encode/decode. The `smpp` package encodes and decodes the rare PDUs (bind, unbind, *_resp bodies);
// the hot or raw-octet ones (submit_sm, deliver_sm, submit_sm_resp, header-only PDUs) are hand-written.
import { COMMAND_ID, COMMAND_STATUS, HEADER_LENGTH, RESPONSE_BIT } from './constants.js';
import { PduDecodeError } from './pdu-reader.js';
import { decodeDataSmPdu } from './data-sm-codec.js';
import { decodeShortMessagePdu } from './sm-codec.js';
import { PackagePDU, packageDefs } from './smpp-package.js';
import type { Pdu } from './types.js';

// Framing enforces SessionOptions.maxPduLength; the package's own process-wide 16 KiB cap would turn a
// legal long PDU (message_payload up to 64K) into a decode error, so lift it once here.
PackagePDU.maxLength = Number.MAX_SAFE_INTEGER;

export interface PduHeader {
  commandLength: number;
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

export const readHeader = (frame: Buffer): PduHeader => ({
  commandLength: frame.readUInt32BE(0),
  commandId: frame.readUInt32BE(4),
  commandStatus: frame.readUInt32BE(8),
  sequenceNumber: frame.readUInt32BE(12),
});

export const isResponse = (commandId: number): boolean => (commandId & RESPONSE_BIT) !== 0;

/** wire name of a command id, or undefined for an id SMPP 3.4/5.0 does not define */
export const commandName = (commandId: number): string | undefined => packageDefs.commandsById[commandId]?.command;

export const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** A 16-octet PDU: enquire_link(_resp), unbind(_resp), generic_nack, and any response with an error status. */
export function encodeHeaderOnly(commandId: number, commandStatus: number, sequenceNumber: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_LENGTH);
  buf.writeUInt32BE(HEADER_LENGTH, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(commandStatus >>> 0, 8);
  buf.writeUInt32BE(sequenceNumber >>> 0, 12);
  return buf;
}

/** Any PDU through the package codec; fields use wire names. */
export function encodePdu(command: string, sequenceNumber: number, fields: Record<string, unknown> = {}, commandStatus = 0): Buffer {
  return new PackagePDU(command, { ...fields, sequence_number: sequenceNumber, command_status: commandStatus }).toBuffer();
}

/** A response whose body is one message_id C-string (submit_sm_resp, deliver_sm_resp, data_sm_resp). */
export function encodeMessageIdResp(commandId: number, commandStatus: number, sequenceNumber: number, messageId: string | undefined): Buffer {
  if (messageId === undefined) return encodeHeaderOnly(commandId, commandStatus, sequenceNumber);
  const length = HEADER_LENGTH + messageId.length + 1;
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt32BE(length, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(commandStatus >>> 0, 8);
  buf.writeUInt32BE(sequenceNumber >>> 0, 12);
  buf.write(messageId, HEADER_LENGTH, 'latin1');
  buf[length - 1] = 0;
  return buf;
}

/** message_id of a *_resp: undefined for a bare header (allowed when command_status is non-zero). */
export function decodeMessageIdResp(frame: Buffer): string | undefined {
  if (frame.length <= HEADER_LENGTH) return undefined;
  const nul = frame.indexOf(0, HEADER_LENGTH);
  return frame.toString('latin1', HEADER_LENGTH, nul < 0 ? frame.length : nul);
}

/** PDUs that have no body (SMPP 3.4 §4.11–4.12, §4.3): decoded from the header alone */
const BODYLESS = new Set<number>([
  COMMAND_ID.enquire_link, COMMAND_ID.enquire_link_resp, COMMAND_ID.unbind, COMMAND_ID.unbind_resp, COMMAND_ID.generic_nack,
]);

export type DecodeResult =
  | { ok: true; pdu: Pdu }
  | { ok: false; header: PduHeader; commandStatus: number; message: string };

/**
 * Decodes one framed PDU. Never throws: an unknown command_id or a body that does not parse comes back
 * with the status to answer in a generic_nack (ESME_RINVCMDID, ESME_RINVCMDLEN or ESME_RSYSERR).
 */
export function decodeFrame(frame: Buffer): DecodeResult {
  const header = readHeader(frame);
  const command = commandName(header.commandId);
  if (!command) {
    return { ok: false, header, commandStatus: COMMAND_STATUS.ESME_RINVCMDID, message: `unknown command_id ${hex(header.commandId)}` };
  }
  // the same fields the package would give, without its decoder: every keep-alive's resp comes this way
  if (frame.length === HEADER_LENGTH && BODYLESS.has(header.commandId)) {
    return { ok: true, pdu: { command, command_id: header.commandId, command_status: header.commandStatus, sequence_number: header.sequenceNumber } };
  }
  try {
    if (header.commandId === COMMAND_ID.submit_sm || header.commandId === COMMAND_ID.deliver_sm) {
      return { ok: true, pdu: { command, ...decodeShortMessagePdu(frame) } };
    }
    if (header.commandId === COMMAND_ID.data_sm) return { ok: true, pdu: { command, ...decodeDataSmPdu(frame) } };
    const decoded = new PackagePDU(frame);
    // spread: own fields only, without the package's prototype methods
    const { command_length: _length, ...fields } = decoded;
    return { ok: true, pdu: fields as Pdu };
  } catch (err) {
    const truncated = err instanceof PduDecodeError ? err.commandStatus === COMMAND_STATUS.ESME_RINVCMDLEN
      : err instanceof RangeError; // the package reads past the end with readUInt*, which throws RangeError
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      header,
      commandStatus: truncated ? COMMAND_STATUS.ESME_RINVCMDLEN : COMMAND_STATUS.ESME_RSYSERR,
      message: `cannot decode ${command} (seq ${header.sequenceNumber}): ${reason}`,
    };
  }
}
