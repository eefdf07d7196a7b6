// A mobile-originated message as an SMSC delivers it: GSM 03.38 when the text fits, else UCS2
// (utf-16be), one deliver_sm per segment with a concatenation UDH when it does not fit in one.
import { canEncode, segmentMessage, type EncodedText } from '../domain/index.js';
import type { ShortMessageInput } from '../adapters/smpp/index.js';

export interface MoInput {
  /** the handset, E.164 with or without '+' */
  from: string;
  /** the number the handset wrote to (the integration's sender) */
  to: string;
  text: string;
}

const GSM: EncodedText = { charset: 'gsm_0338', dcs: 0x00 };
const UCS2: EncodedText = { charset: 'utf-16be', dcs: 0x08 };

let nextReference = 0;

/** the deliver_sm fields of each part, in order; throws on a text no SMS can carry */
export function moParts(mo: MoInput, reference = (nextReference = (nextReference + 1) & 0xff)): ShortMessageInput[] {
  const encoding = canEncode(mo.text, 'gsm_0338') ? GSM : UCS2;
  const seg = segmentMessage(mo.text, encoding, { reference });
  if (!seg.ok) throw new Error(`MO text refused: ${seg.message}`);
  // digits: international (TON 1, NPI 1); anything else: alphanumeric (TON 5, NPI 0)
  const address = (a: string) => (/^\+?\d+$/.test(a) ? { addr: a.replace(/^\+/, ''), ton: 1, npi: 1 } : { addr: a, ton: 5, npi: 0 });
  const from = address(mo.from);
  const to = address(mo.to);
  return seg.segments.map((short_message) => ({
    source_addr: from.addr, source_addr_ton: from.ton, source_addr_npi: from.npi,
    destination_addr: to.addr, dest_addr_ton: to.ton, dest_addr_npi: to.npi,
    esm_class: seg.esmClass, data_coding: seg.dataCoding, short_message,
  }));
}
