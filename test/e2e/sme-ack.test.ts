// SME acknowledgements end to end: a deliver_sm with esm_class 0x08 (SME delivery ack) or 0x10
// (manual/user ack) naming a submitted message becomes that message's `acknowledged` status on
// byo.status, never an MO on byo.mo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const SENDER = '+15550004001';
const HANDSET = '+447700900401';
const RECEIPTED_MESSAGE_ID = 0x001e;

describe('SME acknowledgements (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  let id: string;

  const ack = (esmClass: number, smscId: string | undefined, text = '') => ({
    source_addr: HANDSET.slice(1), source_addr_ton: 1, source_addr_npi: 1, destination_addr: SENDER.slice(1), dest_addr_ton: 1, dest_addr_npi: 1,
    esm_class: esmClass, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
    tlvs: smscId ? [{ tag: RECEIPTED_MESSAGE_ID, value: Buffer.from(`${smscId}\0`, 'latin1') }] : [],
  });
  const mos = async () => {
    const consumer = await world.mt.js.consumers.get('BYO_MO', { filter_subjects: `byo.mo.acme.${id}`, deliver_policy: DeliverPolicy.All });
    return (await consumer.info()).num_pending;
  };
  const submitted = async (msgId: string) => {
    await world.mt.publish('acme', id, { id: msgId, from: SENDER, to: HANDSET, text: `message ${msgId}` });
    return eventually(() => world.mt.statuses('acme', id, msgId).find((s) => s.state === 'submitted'), { what: `${msgId} submitted` });
  };

  beforeAll(async () => {
    world = await startWorld([{}]); // no receipts: only the acknowledgements the test sends
    smsc = world.smscs[0]!;
    id = await setUpIntegration(world.engine, smsc.port, SENDER);
    await eventually(async () => smsc.connectionList().filter((c) => c.canReceive).length === 3, { what: '3 receiving binds' });
  }, 60_000);

  afterAll(async () => world?.close());

  it.each([[0x08, 'delivery'], [0x10, 'manual']] as const)('esm_class 0x%s: an acknowledged status (%s), no MO', async (esmClass, kind) => {
    const msgId = `sme-${kind}`;
    const sub = await submitted(msgId);
    expect((await smsc.deliver('any', ack(esmClass, sub.smscMessageIds[0]))).commandStatus).toBe(0);
    const acked = await eventually(() => world.mt.statuses('acme', id, msgId).find((s) => s.state === 'acknowledged'), { what: `${msgId} acknowledged` });
    expect(acked).toMatchObject({ ack: kind, segments: 1, smscMessageIds: sub.smscMessageIds });
    expect(await mos()).toBe(0);
  });

  it('finds the message by an id: in the text when there is no receipted_message_id', async () => {
    const sub = await submitted('sme-text');
    expect((await smsc.deliver('any', ack(0x08, undefined, `id:${sub.smscMessageIds[0]!} ack`))).commandStatus).toBe(0);
    await eventually(() => world.mt.statuses('acme', id, 'sme-text').find((s) => s.state === 'acknowledged'), { what: 'acknowledged by text id' });
  });

  it('an acknowledgement that matches no message is answered and dropped with a warning, not published as MO', async () => {
    expect((await smsc.deliver('any', ack(0x08, 'no-such-id', 'hello'))).commandStatus).toBe(0);
    // the deliver_sm is answered after the engine decided: had it been MO, it would be on byo.mo now
    expect(await mos()).toBe(0);
  });
});
