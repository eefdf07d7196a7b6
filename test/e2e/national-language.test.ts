// National language shift tables end to end: two integrations on one fake SMSC, one with
// advanced.nationalLanguages, send the same Turkish text through a real engine; the SMSC's submit_sm
// PDUs show the UDH IEs (0x24 / 0x25) and the data_coding on the wire. Inbound, the SMSC sends a
// concatenated deliver_sm whose parts carry a shift IE, and byo.mo has the decoded, joined text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { readMos, setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const WITH = '+15550004001';
const WITHOUT = '+15550004002';
// 100 characters with ş, ğ, ı: 2 UCS2 parts (70 each), 1 GSM part with the Turkish single shift table
const TURKISH = 'Merhaba Ayşe, yarın saat 9:00 toplantı var. Lütfen geç kalmayın; doğum günü pastası hazır. Görüşürüz';

describe('advanced nationalLanguages (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    world = await startWorld([{ autoDlr: true }]);
    smsc = world.smscs[0]!;
    ids[WITH] = await setUpIntegration(world.engine, smsc.port, WITH, { advanced: { nationalLanguages: ['turkish', 'spanish', 'portuguese'] } });
    ids[WITHOUT] = await setUpIntegration(world.engine, smsc.port, WITHOUT);
  }, 90_000);

  afterAll(async () => world?.close());

  /** sends one message at a time per sender: its submits are the sender's after those already there */
  async function send(from: string, id: string, text: string) {
    const ofSender = () => smsc.submits.filter((s) => s.source_addr === from.slice(1)).sort((a, b) => a.index - b.index);
    const before = ofSender().length;
    await world.mt.publish('acme', ids[from]!, { id, from, to: '+447700900401', text });
    const { final } = await world.mt.waitFinal('acme', ids[from]!, id);
    const pdus = await eventually(() => {
      const got = ofSender().slice(before);
      return got.length >= final.segments ? got : undefined;
    }, { what: `submits of ${id}` });
    return { final, pdus };
  }

  it('enabled: the Turkish text is 1 GSM part, UDHI set, UDH 03 24 01 01 (single shift, Turkish)', async () => {
    expect(TURKISH).toHaveLength(100);
    const { final, pdus } = await send(WITH, 'tr-on', TURKISH);
    expect(final).toMatchObject({ state: 'delivered', segments: 1 });
    expect(pdus).toHaveLength(1);
    const pdu = pdus[0]!;
    expect(pdu).toMatchObject({ esm_class: 0x40, data_coding: 0 });
    expect(pdu.short_message.subarray(0, 4).toString('hex')).toBe('03240101');
    // ş, ğ, ı are ESC + 0x73 / 0x67 / 0x69 (A.2.1); ü and ö are in the default alphabet
    const septets = pdu.short_message.subarray(4);
    expect(septets.length).toBe(100 + [...TURKISH].filter((c) => 'şğıç'.includes(c)).length);
    expect(septets.subarray(0, 13).toString('hex')).toBe('4d657268616261204179' + '1b73' + '65');
  });

  it('not enabled: the same text goes as UCS2 in 2 parts', async () => {
    const { final, pdus } = await send(WITHOUT, 'tr-off', TURKISH);
    expect(final).toMatchObject({ state: 'delivered', segments: 2 });
    expect(pdus.map((p) => p.data_coding)).toEqual([8, 8]);
    expect(pdus.map((p) => p.short_message.subarray(0, 3).toString('hex'))).toEqual(['050003', '050003']);
  });

  it('enabled: a Turkish text full of ş goes with the locking shift table, IE 0x25 after the concatenation IE in every part', async () => {
    const text = 'şeş '.repeat(60); // 240 characters, 120 ş: 4 UCS2 parts, 3 with ESC pairs, 2 with locking shift
    const { final, pdus } = await send(WITH, 'tr-lock', text);
    expect(final).toMatchObject({ state: 'delivered', segments: 2 });
    expect(pdus.map((p) => p.short_message[0])).toEqual([0x08, 0x08]);
    expect(pdus.map((p) => p.short_message.subarray(1, 3).toString('hex'))).toEqual(['0003', '0003']);
    expect(pdus.map((p) => p.short_message.subarray(6, 9).toString('hex'))).toEqual(['250101', '250101']);
    expect(pdus[0]!.short_message.length).toBe(9 + 149);
  });

  it('inbound: parts with the Turkish single shift IE are decoded and joined', async () => {
    const septets = (s: string) => Buffer.from(s, 'latin1');
    const part = (seq: number, body: Buffer) => ({
      source_addr: '447700900402', source_addr_ton: 1, source_addr_npi: 1,
      destination_addr: WITH.slice(1), dest_addr_ton: 1, dest_addr_npi: 1, esm_class: 0x40, data_coding: 0,
      short_message: Buffer.concat([Buffer.from([0x08, 0x00, 0x03, 0x33, 0x02, seq, 0x24, 0x01, 0x01]), body]),
    });
    // "Türkçe " / "çok güzel": ü = 0x7E, ç = ESC 0x63 (the C.2 example of TS 23.038)
    const first = Buffer.concat([septets('T'), Buffer.from([0x7e]), septets('rk'), Buffer.from([0x1b, 0x63]), septets('e ')]);
    const second = Buffer.concat([Buffer.from([0x1b, 0x63]), septets('ok g'), Buffer.from([0x7e]), septets('zel')]);
    expect((await smsc.deliver('any', part(2, second))).commandStatus).toBe(0);
    expect((await smsc.deliver('any', part(1, first))).commandStatus).toBe(0);
    const mo = await eventually(async () =>
      (await readMos<{ from: string; text: string; segments: number }>(world.mt.js, 'acme', ids[WITH]!)).find((m) => m.from === '+447700900402'),
    { what: 'joined MO' });
    expect(mo).toMatchObject({ text: 'Türkçe çok güzel', segments: 2 });
  });
});
