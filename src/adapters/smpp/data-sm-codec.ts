// data_sm (SMPP 3.4 §4.7): some SMSCs deliver MO messages and receipts with data_sm instead of
// deliver_sm. The body is deliver_sm's without protocol_id ... short_message: the text travels in the
// message_payload TLV. Decoded into the deliver_sm shape (short_message empty) so one inbound path serves
// both. Hand-written for the same reason as sm-codec.ts: the `smpp` package decodes message_payload into
// text through its own lossy charsets, and we need the raw octets.
import { COMMAND_ID, HEADER_LENGTH, TLV_TAG } from './constants.js';
import { PduReader } from './pdu-reader.js';
import { blankPdu, readAddressing, readTlvs, type ShortMessagePdu, type Tlv } from './sm-codec.js';

export function decodeDataSmPdu(frame: Buffer): ShortMessagePdu {
  const r = new PduReader(frame, HEADER_LENGTH);
  const pdu = blankPdu(frame);
  readAddressing(pdu, r);
  pdu.registered_delivery = r.u8('registered_delivery');
  pdu.data_coding = r.u8('data_coding');
  pdu.tlvs = readTlvs(r);
  return pdu;
}

export interface DataSmInput {
  source_addr?: string; source_addr_ton?: number; source_addr_npi?: number;
  destination_addr?: string; dest_addr_ton?: number; dest_addr_npi?: number;
  service_type?: string; esm_class?: number; registered_delivery?: number; data_coding?: number;
  /** the text, as message_payload */
  payload: Buffer;
  tlvs?: Tlv[];
}

export function encodeDataSmPdu(sequenceNumber: number, f: DataSmInput): Buffer {
  const cstr = (s: string | undefined) => Buffer.from(`${s ?? ''}\0`, 'latin1');
  const tlv = (t: Tlv) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(t.tag, 0);
    head.writeUInt16BE(t.value.length, 2);
    return Buffer.concat([head, t.value]);
  };
  const body = Buffer.concat([
    cstr(f.service_type), Buffer.from([f.source_addr_ton ?? 0, f.source_addr_npi ?? 0]), cstr(f.source_addr),
    Buffer.from([f.dest_addr_ton ?? 0, f.dest_addr_npi ?? 0]), cstr(f.destination_addr),
    Buffer.from([f.esm_class ?? 0, f.registered_delivery ?? 0, f.data_coding ?? 0]),
    ...[{ tag: TLV_TAG.message_payload, value: f.payload }, ...(f.tlvs ?? [])].map(tlv),
  ]);
  const head = Buffer.alloc(HEADER_LENGTH);
  head.writeUInt32BE(HEADER_LENGTH + body.length, 0);
  head.writeUInt32BE(COMMAND_ID.data_sm, 4);
  head.writeUInt32BE(0, 8);
  head.writeUInt32BE(sequenceNumber, 12);
  return Buffer.concat([head, body]);
}
