import { describe, expect, it } from 'vitest';
import { prepareMessage, REGISTERED_DELIVERY_ALL } from '../../src/domain/prepare-message.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';

const { credentials: _c, ...config } = integrationSchemas({ extraPorts: [], allowPlaintext: false }).create.parse({
  name: 'v', smscAddress: 'smsc.example.com', addressTon: 1, addressNpi: 1, destinationTon: 1, destinationNpi: 1,
});
const msg = { id: 'm1', from: '+15551230000', to: '+447700900123', text: 'hello' };
const ctx = { senderActive: true, reference: 7 };

describe('prepareMessage', () => {
  it('applies the configured source/destination TON/NPI and requests a receipt on every segment', () => {
    const p = prepareMessage({ ...msg, text: 'x'.repeat(200) }, config, DEFAULT_ADVANCED_CONFIG, ctx);
    if (!p.ok) throw new Error(p.rejection.description);
    expect(p.message.pdus).toHaveLength(2);
    for (const pdu of p.message.pdus) {
      expect(pdu).toMatchObject({
        source_addr_ton: 1, source_addr_npi: 1, dest_addr_ton: 1, dest_addr_npi: 1, source_addr: '15551230000',
        destination_addr: '447700900123', registered_delivery: REGISTERED_DELIVERY_ALL, esm_class: 0x40, data_coding: 0,
      });
    }
  });

  it('adds the leading + to the source address when outboundPlusPrefix is set (never to the destination)', () => {
    const p = prepareMessage(msg, { ...config, outboundPlusPrefix: true }, DEFAULT_ADVANCED_CONFIG, ctx);
    if (!p.ok) throw new Error(p.rejection.description);
    expect(p.message.pdus[0]).toMatchObject({ source_addr: '+15551230000', destination_addr: '447700900123', esm_class: 0 });
  });

  it('sends from a short code: digits only, whatever outboundPlusPrefix says', () => {
    for (const from of ['72345', '+72345']) {
      const p = prepareMessage({ ...msg, from }, { ...config, outboundPlusPrefix: true }, DEFAULT_ADVANCED_CONFIG, ctx);
      if (!p.ok) throw new Error(p.rejection.description);
      expect(p.message.pdus[0]).toMatchObject({ source_addr: '72345', destination_addr: '447700900123' });
    }
  });

  it.each([
    ['an alphanumeric sender', { from: 'ACME' }, ctx, 'SOURCE_ADDR_INVALID', /alphanumeric/],
    ['a sender that is not an active number', {}, { ...ctx, senderActive: false }, 'SOURCE_ADDR_INVALID', /not an active number/],
    ['a destination that is not E.164', { to: '07700900123' }, ctx, 'DEST_ADDR_INVALID', /E\.164/],
  ] as const)('rejects %s with a specific error', (_name, change, c, cause, re) => {
    const p = prepareMessage({ ...msg, ...change }, config, DEFAULT_ADVANCED_CONFIG, c);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.rejection.genericErrorCause).toBe(cause);
    expect(p.rejection.description).toMatch(re);
  });

  it('rejects text that no configured charset can encode, naming the charsets', () => {
    const p = prepareMessage({ ...msg, text: 'emoji 😀' }, config, { ...DEFAULT_ADVANCED_CONFIG, charsets: [{ dcs: 0, charset: 'gsm_0338' }] }, ctx);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.rejection.description).toMatch(/gsm_0338/);
  });

  it('falls through the charset list in order: Latin-1 before UCS2 for text outside GSM and ASCII', () => {
    const p = prepareMessage({ ...msg, text: 'naïve café ¿½' }, config, DEFAULT_ADVANCED_CONFIG, ctx);
    if (!p.ok) throw new Error(p.rejection.description);
    expect(p.message.charset).toBe('ISO-8859-1');
    expect(p.message.pdus[0]!.data_coding).toBe(3);
  });
});
