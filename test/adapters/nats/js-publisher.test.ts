import { afterAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import { JsPublisher, JsPublishError } from '../../../src/adapters/nats/js-publisher.js';
import { kvPutSubject } from '../../../src/adapters/nats/subjects.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';

let jsm: JetStreamManager;
let kv: KV;
let pub: JsPublisher;

const nats = useNatsServer(async ({ nc }) => {
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'PUBTEST', subjects: ['pubtest.>'], duplicate_window: 60_000_000_000 });
  await jsm.streams.add({ name: 'PUBLIMIT', subjects: ['publimit.>'], max_msgs_per_subject: 1, discard: 'new' as never, discard_new_per_subject: true, max_msgs: 1 });
  kv = await new Kvm(jetstream(nc)).create('pub_kv_test', { history: 1 });
  pub = new JsPublisher(nc, { ackTimeoutMs: 500, sweepIntervalMs: 50 });
});

afterAll(() => pub?.close());

function headersOf(h: Record<string, string>) {
  const out = headers();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

describe('JsPublisher over a real nats-server', () => {
  it('stores a message and resolves with the stream and sequence from the ack', async () => {
    const ack = await pub.publish('pubtest.a', '{"x":1}');
    expect(ack).toMatchObject({ stream: 'PUBTEST', duplicate: false });
    const stored = await jsm.streams.getMessage('PUBTEST', { seq: ack.seq });
    expect(stored?.json()).toEqual({ x: 1 });
  });

  it('sets Nats-Msg-Id so the stream drops a repeat (reported as duplicate, same sequence)', async () => {
    const first = await pub.publish('pubtest.b', 'one', { msgId: 'msg-1' });
    const second = await pub.publish('pubtest.b', 'two', { msgId: 'msg-1' });
    expect(second).toEqual({ stream: 'PUBTEST', seq: first.seq, duplicate: true });
    expect((await jsm.streams.getMessage('PUBTEST', { seq: first.seq }))?.string()).toBe('one');
  });

  it('sends the header block nats.js would: the stored headers match a js.publish with the same ones', async () => {
    const js = jetstream(nats.nc);
    const ours = await pub.publish('pubtest.h.ours', 'x', { msgId: ' id-h1 ', headers: { 'X-Kind': 'help', 'x-lower': 'v 2' } });
    const theirs = await js.publish('pubtest.h.theirs', 'x', { msgID: ' id-h2 ', headers: headersOf({ 'X-Kind': 'help', 'x-lower': 'v 2' }) });
    const a = (await jsm.streams.getMessage('PUBTEST', { seq: ours.seq }))!.header!;
    const b = (await jsm.streams.getMessage('PUBTEST', { seq: theirs.seq }))!.header!;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.get('X-Kind')).toBe('help');
    expect(a.get('x-lower')).toBe('v 2');
    expect(a.get('Nats-Msg-Id')).toBe('id-h1'); // trimmed, as nats.js trims
    expect(b.get('Nats-Msg-Id')).toBe('id-h2');
    // the compare-and-set header is honoured: a stale expected sequence is refused by the stream
    await expect(pub.publish('pubtest.h.ours', 'y', { expectedLastSubjectSequence: ours.seq + 1000 })).rejects.toMatchObject({ code: 'API_ERROR' });
    expect((await pub.publish('pubtest.h.ours', 'y', { expectedLastSubjectSequence: ours.seq })).seq).toBeGreaterThan(ours.seq);
  });

  it('refuses a header nats.js would refuse (CR or LF in a value, a bad name) and sends nothing', async () => {
    const before = (await jsm.streams.info('PUBTEST')).state.messages;
    await expect(pub.publish('pubtest.bad', 'x', { msgId: 'a\r\nInjected: 1' })).rejects.toMatchObject({ code: 'BAD_HEADER' });
    await expect(pub.publish('pubtest.bad', 'x', { headers: { 'Bad:Name': 'v' } })).rejects.toMatchObject({ code: 'BAD_HEADER' });
    await expect(pub.publish('pubtest.bad', 'x', { headers: { 'Sp ace': 'v' } })).rejects.toMatchObject({ code: 'BAD_HEADER' });
    expect((await jsm.streams.info('PUBTEST')).state.messages).toBe(before);
    expect(pub.inFlight).toBe(0);
  });

  it('matches acks to publishes when many are in flight at once', async () => {
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => pub.publish(`pubtest.many.${i}`, String(i))));
    const seqs = acks.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(500);
    for (const i of [0, 123, 499]) expect((await jsm.streams.getMessage('PUBTEST', { seq: seqs[i]! }))?.string()).toBe(String(i));
    expect(pub.inFlight).toBe(0);
  });

  it('writes a KV entry that nats.js reads back', async () => {
    await pub.publish(kvPutSubject('pub_kv_test', 'a.b.c'), '{"v":1}');
    expect((await kv.get('a.b.c'))?.json()).toEqual({ v: 1 });
  });

  it('rejects with NO_RESPONDERS when no stream captures the subject', async () => {
    await expect(pub.publish('nostream.here', 'x')).rejects.toMatchObject({ code: 'NO_RESPONDERS' });
  });

  it('rejects with the API error when the stream refuses the message', async () => {
    await pub.publish('publimit.k', 'first');
    const err = await pub.publish('publimit.k', 'second').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsPublishError);
    expect(err).toMatchObject({ code: 'API_ERROR' });
    expect((err as Error).message).toMatch(/publimit\.k refused/);
  });

  it('rejects with TIMEOUT when nobody answers in time, and forgets the request', async () => {
    // a plain subscriber that never replies: the server does not send "no responders"
    const silent = nats.nc.subscribe('silent.>', { callback: () => undefined });
    const started = Date.now();
    await expect(pub.publish('silent.x', 'x')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(pub.inFlight).toBe(0);
    silent.unsubscribe();
  });

  it('rejects pending and later publishes once closed', async () => {
    const other = new JsPublisher(nats.nc, { ackTimeoutMs: 5_000 });
    const silent = nats.nc.subscribe('silent2.>', { callback: () => undefined });
    const pending = other.publish('silent2.x', 'x');
    other.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(other.publish('pubtest.c', 'x')).rejects.toMatchObject({ code: 'CLOSED' });
    silent.unsubscribe();
  });
});
