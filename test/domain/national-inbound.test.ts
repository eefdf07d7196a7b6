// National language tables end to end in the domain: prepareMessage with `nationalLanguages` builds
// the parts, decodeInbound (as for a deliver_sm) reads each part back through the IEs it carries.
import { describe, expect, it } from 'vitest';
import { decodeInbound, splitUdh } from '../../src/domain/mo-text.js';
import { prepareMessage } from '../../src/domain/prepare-message.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import type { AdvancedConfig } from '../../src/config/index.js';

const { credentials: _c, ...config } = integrationSchemas({ extraPorts: [], allowPlaintext: false }).create.parse({
  name: 'v', smscAddress: 'smsc.example.com', addressTon: 1, addressNpi: 1, destinationTon: 1, destinationNpi: 1,
});
const ALL: AdvancedConfig = { ...DEFAULT_ADVANCED_CONFIG, nationalLanguages: ['turkish', 'spanish', 'portuguese'] };
const gsmPart = (udh: number[], septets: number[]) => ({ shortMessage: Buffer.from([...udh, ...septets]), dataCoding: 0, esmClass: 0x40 });

function send(text: string, advanced: AdvancedConfig) {
  const p = prepareMessage({ id: 'm1', from: '+15551230000', to: '+447700900123', text }, config, advanced, { senderActive: true, reference: 7 });
  if (!p.ok) throw new Error(p.rejection.description);
  return p.message;
}

describe('national language tables inbound', () => {
  it('decodes a part with the Turkish single shift IE (C.2 "Türkçe")', () => {
    const r = decodeInbound(gsmPart([0x03, 0x24, 0x01, 0x01], [0x54, 0x7e, 0x72, 0x6b, 0x1b, 0x63, 0x65]));
    expect(r).toMatchObject({ text: 'Türkçe', encoding: 'gsm_0338', flags: [] });
    // without UDHI the same septets are the default alphabet
    expect(decodeInbound({ shortMessage: Buffer.from([0x54, 0x7e, 0x72, 0x6b, 0x1b, 0x63, 0x65]), dataCoding: 0, esmClass: 0 }).text).toBe('Türkce');
  });

  it('decodes the Turkish locking shift IE next to a concatenation IE and keeps the concat info', () => {
    const r = decodeInbound(gsmPart([0x08, 0x00, 0x03, 0x2a, 0x02, 0x01, 0x25, 0x01, 0x01], [0x0b, 0x1c, 0x07, 0x60]));
    expect(r).toMatchObject({ text: 'ĞŞıç', concat: { reference: 0x2a, total: 2, sequence: 1 }, flags: [] });
    expect(splitUdh(Buffer.from([0x06, 0x24, 0x01, 0x02, 0x25, 0x01, 0x03]), 0x40).shift).toEqual({ single: 2, locking: 3 });
  });

  it('a table we do not have (Hindi, 6) or Spanish locking (none exists) is ignored and flagged', () => {
    expect(decodeInbound(gsmPart([0x03, 0x25, 0x01, 0x06], [0x61, 0x62]))).toMatchObject({ text: 'ab', flags: ['unknown_national_table'] });
    expect(decodeInbound(gsmPart([0x06, 0x25, 0x01, 0x02, 0x24, 0x01, 0x02], [0x1b, 0x61]))).toMatchObject({ text: 'á', flags: ['unknown_national_table'] });
  });

  it('UCS2 and 8-bit parts ignore shift IEs (they name 7-bit tables)', () => {
    const r = decodeInbound({ shortMessage: Buffer.from([0x03, 0x24, 0x01, 0x01, 0x00, 0x61]), dataCoding: 8, esmClass: 0x40 });
    expect(r).toMatchObject({ text: 'a', encoding: 'utf-16be', flags: [] });
  });
});

describe('national language tables: prepareMessage → parts → decodeInbound', () => {
  const turkish = 'Sayın müşterimiz, siparişiniz yola çıktı. Teslimat yarın öğleden sonra. İyi günler dileriz! Ğ ş';
  it('off by default: the Turkish text goes as UCS2', () => {
    const m = send(turkish, DEFAULT_ADVANCED_CONFIG);
    expect(m.pdus.map((p) => p.data_coding)).toEqual([8, 8]);
    expect(m.national).toBeUndefined();
  });

  it.each([
    ['Turkish', turkish, 1],
    ['Turkish, long', turkish.repeat(4), 3],
    ['Spanish', 'Mañana a las 10:00 en la estación. Por favor, confirma tu asistencia; habrá café y pastel para todos. ¡Te esperamos con mucha ilusión, amigos!', 1],
    ['Portuguese', 'Olá! A sua encomenda está a caminho e chegará amanhã à tarde. Obrigado pela preferência; atenção às notificações do nosso serviço, até já. Beijos', 1],
    ['Portuguese, long', 'Ação, pão, coração, informação, não, então, mãe; você está lá? '.repeat(7), 3],
  ])('%s: round trip through every part', (_what, text, parts) => {
    const m = send(text, ALL);
    expect(m.national).toBeDefined();
    expect(m.pdus).toHaveLength(parts);
    const decoded = m.pdus.map((p) => decodeInbound({ shortMessage: p.short_message, dataCoding: p.data_coding, esmClass: p.esm_class }));
    for (const d of decoded) expect(d.flags).toEqual([]);
    expect(decoded.map((d) => d.text).join('')).toBe(text);
    for (const p of m.pdus) expect(p).toMatchObject({ esm_class: 0x40, data_coding: 0 });
  });
});
