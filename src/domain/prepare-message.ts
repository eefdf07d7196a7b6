// From a validated MT payload to the submit_sm PDUs of its segments, or a rejection that names
// the problem. Pure apart from the sender check the caller passes in.
import type { IntegrationConfig, AdvancedConfig } from '../config/index.js';
import { chooseEncoding } from './charsets.js';
import { segmentMessage } from './segments.js';
import { chooseNationalEncoding, type ShiftPair } from './national-gsm.js';
import { isE164, toSmppAddress } from './msisdn.js';
import { isShortCodeAddress } from './numbers.js';
import type { MtMessage, MtRejection } from './mt-message.js';
import type { SubmitSm } from './smpp-pdu.js';

/** registered_delivery 0x01: a receipt for success and failure, on every segment (reference). */
export const REGISTERED_DELIVERY_ALL = 0x01;

export interface PreparedMessage {
  id: string;
  pdus: SubmitSm[];
  charset: string;
  /** The national language tables the text went out with (UDH IEs 0x24 / 0x25), when any. */
  national?: ShiftPair;
}

export function prepareMessage(
  m: MtMessage & { id: string },
  config: IntegrationConfig,
  advanced: AdvancedConfig,
  ctx: { senderActive: boolean; reference: number },
): { ok: true; message: PreparedMessage } | { ok: false; rejection: MtRejection } {
  // a short code sends too (imported with type shortcode); it has no country calling code, no '+'
  const shortCode = !isE164(m.from) && isShortCodeAddress(m.from);
  if (!isE164(m.from) && !shortCode) {
    return reject('SOURCE_ADDR_INVALID', `from "${m.from}" is not an E.164 number or a short code (alphanumeric sender IDs are not supported)`);
  }
  if (!ctx.senderActive) return reject('SOURCE_ADDR_INVALID', `from ${m.from} is not an active number of this integration: import it first`);
  if (!isE164(m.to)) return reject('DEST_ADDR_INVALID', `to "${m.to}" is not a valid E.164 number (+ and 7 to 15 digits)`);
  const listed = chooseEncoding(m.text, advanced.charsets);
  const national = advanced.nationalLanguages?.length
    ? chooseNationalEncoding(m.text, listed, { languages: advanced.nationalLanguages, charsets: advanced.charsets, longMessage: advanced.longMessage ?? 'udh8' })
    : undefined;
  const choice = national ?? listed;
  if (!choice) {
    const names = advanced.charsets.map((c) => c.charset).join(', ');
    return reject('MESSAGE_DATA_INVALID', `text cannot be encoded with any configured charset (${names})`);
  }
  // udh16 and sar carry 16 bits: the message id fills the high octet, so references of messages
  // the 8-bit counter has wrapped around on still differ
  const reference = advanced.longMessage === 'udh16' || advanced.longMessage === 'sar'
    ? ((idOctet(m.id) << 8) | (ctx.reference & 0xff)) : ctx.reference;
  const seg = segmentMessage(m.text, choice, { reference, longMessage: advanced.longMessage });
  if (!seg.ok) return reject('MESSAGE_DATA_INVALID', seg.message);
  const base = {
    source_addr_ton: config.addressTon, source_addr_npi: config.addressNpi,
    source_addr: shortCode ? m.from.replace(/^\+/, '') : toSmppAddress(m.from, { plusPrefix: config.outboundPlusPrefix }),
    dest_addr_ton: config.destinationTon, dest_addr_npi: config.destinationNpi,
    destination_addr: toSmppAddress(m.to, { plusPrefix: false }),
    esm_class: seg.esmClass, registered_delivery: REGISTERED_DELIVERY_ALL, data_coding: seg.dataCoding,
  };
  return { ok: true, message: { id: m.id, charset: choice.charset, ...(national ? { national: national.shift } : {}), pdus: seg.segments.map((short_message, i) => {
    const tlvs = seg.tlvs?.[i];
    return tlvs?.length ? { ...base, short_message, tlvs } : { ...base, short_message };
  }) } };
}

/** one octet derived from the message id (FNV-1a), stable for a message across retries */
function idOctet(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 24) & 0xff;
}

const reject = (genericErrorCause: string, description: string) => ({ ok: false as const, rejection: { genericErrorCause, description } });
