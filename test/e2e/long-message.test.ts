// Long-message options end to end: one integration per advanced `longMessage` setting, each sending
// the same 200-character text through a real engine to the fake SMSC over TCP; the SMSC's decoded
// submit_sm PDUs show the UDH / TLVs each option puts on the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSmsc, ReceivedSubmit } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const TEXT = `${'Long message test. '.repeat(10)}0123456789`; // 200 GSM septets: 2 parts
const SENDERS = { udh8: '+15550003001', udh16: '+15550003002', sar: '+15550003003', payload: '+15550003004' } as const;
type Mode = keyof typeof SENDERS;
const tlv = (s: ReceivedSubmit, tag: number) => s.tlvs.find((t) => t.tag === tag)?.value;

describe('advanced longMessage: udh8, udh16, sar, payload (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  const ids = {} as Record<Mode, string>;

  beforeAll(async () => {
    world = await startWorld([{ autoDlr: true }]);
    smsc = world.smscs[0]!;
    for (const mode of Object.keys(SENDERS) as Mode[]) {
      ids[mode] = await setUpIntegration(world.engine, smsc.port, SENDERS[mode], { advanced: { longMessage: mode } });
    }
  }, 90_000);

  afterAll(async () => world?.close());

  /** sends TEXT through the integration of `mode`; returns its final status and the PDUs the SMSC got */
  async function send(mode: Mode) {
    await world.mt.publish('acme', ids[mode], { id: `long-${mode}`, from: SENDERS[mode], to: '+447700900301', text: TEXT });
    const { final } = await world.mt.waitFinal('acme', ids[mode], `long-${mode}`);
    const pdus = await eventually(() => {
      const got = smsc.submits.filter((s) => s.source_addr === SENDERS[mode].slice(1));
      return got.length > 0 ? got.sort((a, b) => a.index - b.index) : undefined;
    }, { what: `submits of ${mode}` });
    return { final, pdus };
  }

  it('udh8: two parts with the 8-bit concatenation UDH', async () => {
    const { final, pdus } = await send('udh8');
    expect(final).toMatchObject({ state: 'delivered', segments: 2 });
    expect(pdus.map((p) => p.esm_class)).toEqual([0x40, 0x40]);
    const [a, b] = pdus.map((p) => p.short_message);
    expect(a!.subarray(0, 5).toString('hex')).toBe(b!.subarray(0, 5).toString('hex'));
    expect(a!.subarray(0, 3).toString('hex')).toBe('050003');
    expect([a![4], a![5], b![5]]).toEqual([2, 1, 2]);
    expect(Buffer.concat([a!.subarray(6), b!.subarray(6)]).toString('latin1')).toBe(TEXT);
  });

  it('udh16: two parts with the 16-bit concatenation UDH (152 septets in the first)', async () => {
    const { final, pdus } = await send('udh16');
    expect(final).toMatchObject({ state: 'delivered', segments: 2 });
    const [a, b] = pdus.map((p) => p.short_message);
    expect(a!.subarray(0, 3).toString('hex')).toBe('060804');
    expect(a!.subarray(3, 5)).toEqual(b!.subarray(3, 5)); // same 16-bit reference
    expect([a![5], a![6], b![6]]).toEqual([2, 1, 2]);
    expect(a!.length).toBe(7 + 152);
    expect(Buffer.concat([a!.subarray(7), b!.subarray(7)]).toString('latin1')).toBe(TEXT);
  });

  it('sar: two parts without UDH, with sar_msg_ref_num, sar_total_segments and sar_segment_seqnum', async () => {
    const { final, pdus } = await send('sar');
    expect(final).toMatchObject({ state: 'delivered', segments: 2 });
    expect(pdus.map((p) => p.esm_class)).toEqual([0, 0]);
    expect(pdus.map((p) => tlv(p, 0x020e)?.[0])).toEqual([2, 2]);
    expect(pdus.map((p) => tlv(p, 0x020f)?.[0])).toEqual([1, 2]);
    expect(tlv(pdus[0]!, 0x020c)).toHaveLength(2);
    expect(tlv(pdus[0]!, 0x020c)).toEqual(tlv(pdus[1]!, 0x020c));
    expect(pdus.map((p) => p.short_message.toString('latin1')).join('')).toBe(TEXT);
  });

  it('payload: one submit_sm with an empty short_message and the text in message_payload', async () => {
    const { final, pdus } = await send('payload');
    expect(final).toMatchObject({ state: 'delivered', segments: 1 });
    expect(pdus).toHaveLength(1);
    expect(pdus[0]!.short_message).toHaveLength(0);
    expect(pdus[0]!.esm_class).toBe(0);
    expect(tlv(pdus[0]!, 0x0424)?.toString('latin1')).toBe(TEXT);
  });

  it('an unknown longMessage is refused with a clear error', async () => {
    const r = await world.engine.api('PATCH', `/v1/orgs/acme/integrations/${ids.udh8}`, { advanced: { longMessage: 'udh32' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('longMessage must be one of udh8, udh16, sar, payload');
  });
});
