// Message ids and delivery receipts as real SMSCs write them (SMPP 3.4 Appendix B text, vendor-flavoured).
import { randomUUID } from 'node:crypto';
import { MESSAGE_STATE, TLV_TAG, tlv, type ShortMessageInput, type Tlv } from '../adapters/smpp/index.js';
import type { MessageIdFormat, ReceiptOutcome, ReceiptStat, ReceivedSubmit } from './options.js';

/** one accepted submit's identity; every format is derived from the same number so tests can compare */
export interface MessageKey {
  n: number;
  uuid: string | undefined;
}

export function formatMessageId(key: MessageKey, format: MessageIdFormat): string {
  switch (format) {
    case 'decimal': return String(key.n);
    case 'decimalPadded': return String(key.n).padStart(12, '0');
    case 'hex': return key.n.toString(16);
    case 'hexPadded': return key.n.toString(16).toUpperCase().padStart(10, '0');
    case 'uuid': return key.uuid ?? randomUUID();
  }
}

const STATE_OF: Record<ReceiptStat, number> = {
  DELIVRD: MESSAGE_STATE.DELIVERED,
  UNDELIV: MESSAGE_STATE.UNDELIVERABLE,
  EXPIRED: MESSAGE_STATE.EXPIRED,
  DELETED: MESSAGE_STATE.DELETED,
  ACCEPTD: MESSAGE_STATE.ACCEPTED,
  UNKNOWN: MESSAGE_STATE.UNKNOWN,
  REJECTD: MESSAGE_STATE.REJECTED,
  ENROUTE: MESSAGE_STATE.ENROUTE,
};

const two = (n: number): string => String(n).padStart(2, '0');
/** YYMMDDhhmm, UTC */
export const receiptDate = (d: Date): string =>
  `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;

export function receiptText(p: { id: string; stat: ReceiptStat; err: number; submitted: Date; done: Date; text: string }): string {
  const dlvrd = p.stat === 'DELIVRD' ? '001' : '000';
  return `id:${p.id} sub:001 dlvrd:${dlvrd} submit date:${receiptDate(p.submitted)} done date:${receiptDate(p.done)}`
    + ` stat:${p.stat} err:${String(p.err).padStart(3, '0')} text:${p.text}`;
}

/** first 20 characters of the original, printable ASCII only (the original may be UCS2 or carry UDH) */
function excerpt(submit: ReceivedSubmit): string {
  const udhLength = submit.esm_class & 0x40 && submit.short_message.length > 0 ? submit.short_message[0]! + 1 : 0;
  return submit.short_message.toString('latin1', udhLength).replace(/[^\x20-\x7e]/g, '').slice(0, 20);
}

export function normaliseOutcome(o: ReceiptStat | ReceiptOutcome): Required<ReceiptOutcome> {
  return typeof o === 'string' ? { stat: o, err: 0 } : { stat: o.stat, err: o.err ?? 0 };
}

/** deliver_sm fields of a receipt for `submit`, addressed back to its sender */
export function receiptFields(submit: ReceivedSubmit, p: {
  receiptId: string; tlvId: string | undefined; outcome: Required<ReceiptOutcome>; now: Date;
}): ShortMessageInput {
  const tlvs: Tlv[] = [];
  if (p.tlvId !== undefined) {
    tlvs.push(tlv.cstring(TLV_TAG.receipted_message_id, p.tlvId), tlv.u8(TLV_TAG.message_state, STATE_OF[p.outcome.stat]));
  }
  if (p.outcome.err) {
    // network type 3 (GSM) + 2-octet code
    tlvs.push(tlv.octets(TLV_TAG.network_error_code, Buffer.from([3, (p.outcome.err >> 8) & 0xff, p.outcome.err & 0xff])));
  }
  const text = receiptText({ id: p.receiptId, stat: p.outcome.stat, err: p.outcome.err, submitted: new Date(submit.at), done: p.now, text: excerpt(submit) });
  return {
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    source_addr: submit.destination_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    destination_addr: submit.source_addr,
    esm_class: 0x04, // MC delivery receipt
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
    tlvs,
  };
}
