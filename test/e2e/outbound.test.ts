// Outbound end to end: numbers imported over HTTP, messages published on byo.mt.*, statuses read from
// byo.status.* — against a real engine process, a real nats-server and fake SMSCs on real TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually, type EngineProcess } from '../helpers/engine-process.js';
import { setUpIntegration, type MtClient } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const GSM_3_PARTS = 'A'.repeat(153 * 2 + 40); // 346 septets → 3 segments
const UCS2_2_PARTS = '😀'.repeat(40); // 80 UTF-16 units → 2 segments of ≤ 67

describe('outbound SMS (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let happy: FakeSmsc, undeliv: FakeSmsc, throttling: FakeSmsc, toggled: FakeSmsc, refusing: FakeSmsc, unbound: FakeSmsc;
  let engine: EngineProcess;
  let mt: MtClient;

  beforeAll(async () => {
    world = await startWorld([
      { messageIdFormat: 'hexPadded', autoDlr: { idFormat: 'decimal', delayMs: 5 } },
      // the second segment of each message is UNDELIV with err 011 (mapped: DEST_ADDR_INVALID)
      { autoDlr: { outcome: (_s, i) => (i % 3 === 1 ? { stat: 'UNDELIV', err: 11 } : 'DELIVRD') } },
      { throttle: { everyNth: 3 }, autoDlr: { beforeResp: true } },
      { autoDlr: true },
      // a permanent submit_sm_resp error for destinations ending in 99: ESME_RINVDSTADR (0x0B)
      { autoDlr: true, submitStatus: (s) => (s.destination_addr.endsWith('99') ? 0x0b : 0) },
      // the very first submit is answered ESME_RINVBNDSTS (0x04): "you are not bound" on a bound session
      { autoDlr: true, submitStatus: (_s, index) => (index === 0 ? 0x04 : 0) },
    ]);
    [happy, undeliv, throttling, toggled, refusing, unbound] = world.smscs as [FakeSmsc, FakeSmsc, FakeSmsc, FakeSmsc, FakeSmsc, FakeSmsc];
    ({ engine, mt } = world);
  }, 60_000);

  afterAll(async () => world?.close());

  it('delivers a 3-segment GSM and a 2-segment UCS2 message: one submitted, one delivered each', async () => {
    const id = await setUpIntegration(engine, happy.port, '+15550000001', { messagesPerSecond: 100 });
    await mt.publish('acme', id, { id: 'gsm-1', from: '+15550000001', to: '+447700900123', text: GSM_3_PARTS });
    await mt.publish('acme', id, { id: 'ucs2-1', from: '+15550000001', to: '+447700900123', text: UCS2_2_PARTS });
    const gsm = await mt.waitFinal('acme', id, 'gsm-1');
    const ucs2 = await mt.waitFinal('acme', id, 'ucs2-1');
    expect(gsm.final).toMatchObject({ state: 'delivered', segments: 3 });
    expect(ucs2.final).toMatchObject({ state: 'delivered', segments: 2 });
    expect(gsm.submitted?.smscMessageIds).toHaveLength(3);
    const parts = happy.submits.filter((s) => s.data_coding === 0);
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.esm_class === 0x40 && p.registered_delivery === 1 && p.source_addr === '15550000001')).toBe(true);
    const ref = parts[0]!.short_message[3];
    expect(parts.map((p) => p.short_message.subarray(0, 6).toString('hex'))).toEqual(
      [1, 2, 3].map((seq) => `050003${ref!.toString(16).padStart(2, '0')}03${seq.toString(16).padStart(2, '0')}`));
    const ucs2Parts = happy.submits.filter((s) => s.data_coding === 8);
    expect(ucs2Parts).toHaveLength(2);
    // never split a surrogate pair: each part is whole emoji (4 octets each) after the 6-octet UDH
    expect(ucs2Parts.map((p) => (p.short_message.length - 6) % 4)).toEqual([0, 0]);
    // exactly one of each
    await mt.settled('acme', id, [happy]);
    expect(mt.statuses('acme', id, 'gsm-1').map((s) => s.state)).toEqual(['submitted', 'delivered']);
    expect(mt.statuses('acme', id, 'ucs2-1').map((s) => s.state)).toEqual(['submitted', 'delivered']);
  });

  it('fails the message when one segment is UNDELIV, with the mapped cause', async () => {
    const id = await setUpIntegration(engine, undeliv.port, '+15550000002', { messagesPerSecond: 100 });
    await mt.publish('acme', id, { id: 'u-1', from: '+15550000002', to: '+447700900124', text: GSM_3_PARTS });
    const r = await mt.waitFinal('acme', id, 'u-1');
    expect(r.final).toMatchObject({ state: 'failed', error: { genericErrorCode: 3, genericErrorCause: 'DEST_ADDR_INVALID', protocolCode: '11' } });
    await mt.settled('acme', id, [undeliv]);
    expect(mt.statuses('acme', id, 'u-1').map((s) => s.state)).toEqual(['submitted', 'failed']);
  });

  it('fails a message on a permanent submit_sm_resp error with the mapped cause, without a submitted status', async () => {
    const id = await setUpIntegration(engine, refusing.port, '+15550000008', { messagesPerSecond: 100 });
    await mt.publish('acme', id, { id: 'p-1', from: '+15550000008', to: '+447700900199', text: 'nope' });
    await mt.publish('acme', id, { id: 'p-2', from: '+15550000008', to: '+447700900100', text: 'fine' });
    const r = await mt.waitFinal('acme', id, 'p-1');
    expect(r.final).toMatchObject({ state: 'failed', error: { genericErrorCode: 3, genericErrorCause: 'DEST_ADDR_INVALID', protocolCode: '11' } });
    expect((await mt.waitFinal('acme', id, 'p-2')).final.state).toBe('delivered');
    await mt.settled('acme', id, [refusing]);
    expect(mt.statuses('acme', id, 'p-1').map((s) => s.state)).toEqual(['failed']);
    // a permanent error is not retried
    expect(refusing.submits.filter((s) => s.destination_addr === '447700900199')).toHaveLength(1);
  });

  it('rejects bad messages with a specific error and never retries them', async () => {
    const id = await setUpIntegration(engine, happy.port, '+15550000005', { messagesPerSecond: 100 });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['r-sender', { from: '+15559999999', to: '+447700900123', text: 'hi' }, /not an active number/],
      ['r-to', { from: '+15550000005', to: '0770', text: 'hi' }, /E\.164/],
      ['r-empty', { from: '+15550000005', to: '+447700900123', text: '' }, /empty/],
      ['r-mms', { from: '+15550000005', to: '+447700900123', text: 'x', mediaUrl: 'http://x/y.png' }, /MMS is not supported/],
    ];
    for (const [mid, body] of cases) await mt.publish('acme', id, { id: mid, ...body });
    await mt.publishRaw('acme', id, 'not json', 'r-json');
    for (const [mid, , re] of cases) {
      const r = await mt.waitFinal('acme', id, mid);
      expect(r.final).toMatchObject({ state: 'rejected' });
      expect(r.final!.error.description).toMatch(re);
    }
    expect((await mt.waitFinal('acme', id, 'r-json')).final!.error.description).toMatch(/JSON/);
  });

  it('honours ESME_RTHROTTLED by backing off: nothing is lost, nothing fails', async () => {
    const id = await setUpIntegration(engine, throttling.port, '+15550000003', { messagesPerSecond: 100 });
    const ids = Array.from({ length: 30 }, (_, i) => `t-${i}`);
    for (const mid of ids) await mt.publish('acme', id, { id: mid, from: '+15550000003', to: '+447700900125', text: `hello ${mid}` });
    for (const mid of ids) expect((await mt.waitFinal('acme', id, mid)).final?.state).toBe('delivered');
    expect(throttling.submits.filter((s) => s.commandStatus === 0x58).length).toBeGreaterThan(0);
  });

  it('rebinds the session an SMSC calls unbound (ESME_RINVBNDSTS) and sends the message again', async () => {
    const id = await setUpIntegration(engine, unbound.port, '+15550000009', { messagesPerSecond: 100 });
    await eventually(async () => unbound.binds.length >= 3, { what: '3 binds' });
    await mt.publish('acme', id, { id: 'ib-1', from: '+15550000009', to: '+447700900128', text: 'after rebind' });
    expect((await mt.waitFinal('acme', id, 'ib-1')).final?.state).toBe('delivered');
    const [refused, accepted] = unbound.submits;
    expect(refused?.commandStatus).toBe(0x04);
    expect(accepted?.commandStatus).toBe(0);
    // the refused session was closed by the engine and bound again: a 4th bind on a new connection
    await eventually(async () => unbound.binds.length >= 4, { what: 'a fresh bind' });
    await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.binds
      ?.filter((b: { state: string }) => b.state === 'bound').length === 3, { what: 'all 3 binds bound again' });
    await mt.settled('acme', id, [unbound]);
    expect(mt.statuses('acme', id, 'ib-1').map((s) => s.state)).toEqual(['submitted', 'delivered']);
  });

  it('keeps messages in JetStream while deactivated and sends them after reactivation', async () => {
    const id = await setUpIntegration(engine, toggled.port, '+15550000004', { messagesPerSecond: 100 });
    const first = Array.from({ length: 10 }, (_, i) => `d-${i}`);
    for (const mid of first) await mt.publish('acme', id, { id: mid, from: '+15550000004', to: '+447700900126', text: mid });
    expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`)).status).toBe(200);
    await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'inactive', { what: 'inactive' });
    const second = Array.from({ length: 10 }, (_, i) => `e-${i}`);
    for (const mid of second) await mt.publish('acme', id, { id: mid, from: '+15550000004', to: '+447700900126', text: mid });
    const submitsWhileInactive = toggled.submitCount;
    // they wait in JetStream: the durable consumer holds them as pending, none reached the SMSC
    const jsm = await jetstreamManager(mt.nc);
    await eventually(async () => (await jsm.consumers.info('BYO_MT', `mt_acme_${id}`)).num_pending >= second.length, { what: 'pending in JetStream' });
    expect(toggled.submitCount).toBe(submitsWhileInactive);
    expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);
    for (const mid of [...first, ...second]) expect((await mt.waitFinal('acme', id, mid)).final?.state).toBe('delivered');
    expect(toggled.submitCount).toBeGreaterThanOrEqual(submitsWhileInactive + second.length);
  });

  it('disables the numbers of a deactivated integration and re-enables them on activation', async () => {
    const id = await setUpIntegration(engine, toggled.port, '+15550000006');
    const numberState = async () => (await engine.api('GET', '/v1/orgs/acme/numbers')).body.numbers.find((n: any) => n.e164 === '+15550000006')?.state;
    await eventually(async () => (await numberState()) === 'active', { what: 'number active' });
    await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`);
    await eventually(async () => (await numberState()) === 'disabled', { what: 'number disabled' });
    await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`);
    await eventually(async () => (await numberState()) === 'active', { what: 'number active again' });
  });

  it("de-duplicates by the caller's id: a republished message is not sent twice", async () => {
    const id = await setUpIntegration(engine, happy.port, '+15550000007', { messagesPerSecond: 100 });
    await mt.publish('acme', id, { id: 'dup-1', from: '+15550000007', to: '+447700900127', text: 'only once' });
    await mt.waitFinal('acme', id, 'dup-1');
    const onlyOnce = () => happy.submits.filter((s) => s.short_message.toString('latin1') === 'only once');
    expect(onlyOnce()).toHaveLength(1);
    // same id, different JetStream message id: JetStream cannot catch it, the engine must
    const seq = await mt.publishRaw('acme', id, JSON.stringify({ id: 'dup-1', from: '+15550000007', to: '+447700900127', text: 'only once' }), 'another-msg-id');
    // the engine took the republished message and settled it (it left the work queue), and anything it
    // sent for it would have been answered by now
    await mt.settled('acme', id, [happy]);
    const consumer = await (await jetstreamManager(mt.nc)).consumers.info('BYO_MT', `mt_acme_${id}`);
    expect(consumer.delivered.stream_seq).toBeGreaterThanOrEqual(seq);
    expect(consumer.num_ack_pending).toBe(0);
    expect(onlyOnce()).toHaveLength(1);
    expect(mt.statuses('acme', id, 'dup-1').map((s) => s.state)).toEqual(['submitted', 'delivered']);
  });

  it('sends a message once when a second copy of its id arrives while the first still waits in the lane', async () => {
    // 1 msg/s: the first copy waits behind a filler while the second arrives
    const id = await setUpIntegration(engine, happy.port, '+15550000018', { messagesPerSecond: 1 });
    const body = { id: 'held-1', from: '+15550000018', to: '+447700900128', text: 'held once' };
    await mt.publish('acme', id, { ...body, id: 'filler-1', text: 'filler' });
    await mt.publish('acme', id, body);
    await mt.publishRaw('acme', id, JSON.stringify(body), 'held-1-copy');
    await mt.waitFinal('acme', id, 'held-1');
    await mt.settled('acme', id, [happy]);
    expect(happy.submits.filter((s) => s.short_message.toString('latin1') === 'held once')).toHaveLength(1);
    expect(mt.statuses('acme', id, 'held-1').map((s) => s.state)).toEqual(['submitted', 'delivered']);
    const consumer = await (await jetstreamManager(mt.nc)).consumers.info('BYO_MT', `mt_acme_${id}`);
    expect(consumer.num_ack_pending).toBe(0);
  });
});
