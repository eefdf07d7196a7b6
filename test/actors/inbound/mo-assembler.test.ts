// MoAssembler against a real nats-server: parts in KV, MOs on a BYO_MO-like stream, auto-responses on a
// BYO_MT-like stream. Subscribers and number keywords are stand-ins (their own tests cover them).
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JsPublisher } from '../../../src/adapters/nats/js-publisher.js';
import { MoAssembler, type MoPart } from '../../../src/actors/inbound/mo-assembler.js';
import { DEFAULT_KEYWORDS, type KeywordKind } from '../../../src/domain/keywords.js';
import type { SubscriberRegistry } from '../../../src/actors/inbound/subscriber-registry.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';
import { eventually } from '../../helpers/engine-process.js';

const logger = pino({ level: 'silent' });
let kv: KV;
let jsm: JetStreamManager;
let pub: JsPublisher;
const nats = useNatsServer(async ({ nc }) => {
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'MO_TEST', subjects: ['byo.mo.>'] });
  await jsm.streams.add({ name: 'MT_TEST', subjects: ['byo.mt.>'] });
  kv = await new Kvm(jetstream(nc)).create('mo_parts_test', { history: 1 });
  pub = new JsPublisher(nc, { ackTimeoutMs: 2_000 });
});
afterAll(() => pub?.close());

const applied: { sender: string; handset: string; keyword: KeywordKind }[] = [];
const subscribers = {
  apply: async (_o: string, _i: string, sender: string, handset: string, keyword: KeywordKind) => {
    applied.push({ sender, handset, keyword });
    return keyword === 'optOut' ? 'optedOut' : 'subscribed';
  },
} as unknown as SubscriberRegistry;

const assembler = (reassemblyTimeoutMs = 60_000) => new MoAssembler({
  kv, publisher: pub, subscribers, logger, reassemblyTimeoutMs, retryDelayMs: 100,
  keywordsFor: (_o, _i, e164) => (e164 === '+15550009000' ? DEFAULT_KEYWORDS : undefined),
});

async function read(subject: string): Promise<Record<string, unknown>[]> {
  const consumer = await jetstream(nats.nc).consumers.get(subject.startsWith('byo.mo') ? 'MO_TEST' : 'MT_TEST', { filter_subjects: subject });
  const pending = (await consumer.info()).num_pending;
  if (pending === 0) return [];
  const out: Record<string, unknown>[] = [];
  for await (const m of await consumer.fetch({ max_messages: pending, expires: 2_000 })) out.push(m.json());
  return out;
}

const part = (integration: string, from: string, text: string, concat?: MoPart['concat'], receivedAt = new Date().toISOString()): MoPart => ({
  org: 'acme', integration, from, to: '+15550009000', text, dataCoding: 0, receivedAt, ...(concat ? { concat } : {}),
});
const c16 = (sequence: number, total = 2) => ({ reference: 0xbeef, total, sequence, referenceBits: 16 as const });

describe('MoAssembler', () => {
  it('joins parts once, in order, however often the SMSC re-sends one, and clears them from KV', async () => {
    const a = assembler();
    await a.receive(part('i1', '+447700900001', 'world', c16(2)));
    await a.receive(part('i1', '+447700900001', 'world', c16(2))); // re-sent after a lost deliver_sm_resp
    await a.receive(part('i1', '+447700900001', 'hello ', c16(1)));
    const mos = await eventually(async () => { const m = await read('byo.mo.acme.i1'); return m.length ? m : undefined; }, { what: 'MO' });
    expect(mos).toHaveLength(1);
    expect(mos[0]).toMatchObject({ from: '+447700900001', text: 'hello world', segments: 2 });
    // re-sent once more after the message was published: not a new (forever partial) message
    await eventually(() => a.pendingGroups === 0, { what: 'group done' });
    await a.receive(part('i1', '+447700900001', 'world', c16(2)));
    expect(a.pendingGroups).toBe(0);
    await eventually(async () => {
      for await (const k of await kv.keys('acme.i1.mo.>')) if ((await kv.get(k))?.operation === 'PUT') return false;
      return true;
    }, { what: 'parts cleared' });
    a.stop();
  });

  it('keeps parts of different senders with the same reference apart', async () => {
    const a = assembler();
    await a.receive(part('i2', '+447700900002', 'A1 ', c16(1)));
    await a.receive(part('i2', '+447700900003', 'B1 ', c16(1)));
    await a.receive(part('i2', '+447700900003', 'B2', c16(2)));
    await a.receive(part('i2', '+447700900002', 'A2', c16(2)));
    const mos = await eventually(async () => { const m = await read('byo.mo.acme.i2'); return m.length === 2 ? m : undefined; }, { what: '2 MOs' });
    expect(mos.map((m) => `${String(m.from)}:${String(m.text)}`).sort()).toEqual(['+447700900002:A1 A2', '+447700900003:B1 B2']);
    a.stop();
  });

  it('matches a keyword only on the whole message, and queues the auto-response with its header', async () => {
    const a = assembler();
    await a.receive(part('i3', '+447700900004', ' Stop '));
    await a.receive(part('i3', '+447700900005', 'STOP', c16(1)));
    await a.receive(part('i3', '+447700900005', ' it now', c16(2)));
    const mos = await eventually(async () => { const m = await read('byo.mo.acme.i3'); return m.length === 2 ? m : undefined; }, { what: '2 MOs' });
    const stop = mos.find((m) => m.from === '+447700900004')!;
    expect(stop.keyword).toBe('optOut');
    expect(mos.find((m) => m.from === '+447700900005')!.keyword).toBeUndefined();
    expect(applied).toContainEqual({ sender: '+15550009000', handset: '+447700900004', keyword: 'optOut' });
    const consumer = await jetstream(nats.nc).consumers.get('MT_TEST', { filter_subjects: 'byo.mt.acme.i3' });
    const [mt] = await (async () => { const out = []; for await (const m of await consumer.fetch({ max_messages: 1, expires: 2_000 })) out.push(m); return out; })();
    expect(mt!.json()).toEqual({ id: `auto-${String(stop.id)}`, from: '+15550009000', to: '+447700900004', text: DEFAULT_KEYWORDS.optOut.message });
    expect(mt!.headers?.get('Byo-Auto-Response')).toBe('optOut');
    expect(mt!.headers?.get('Nats-Msg-Id')).toBe(`auto-${String(stop.id)}`);
    a.stop();
  });

  it('publishes what arrived, with partsMissing and no keyword, when the rest does not come in time', async () => {
    const a = assembler(300);
    await a.receive(part('i4', '+447700900006', 'STOP', c16(1, 3)));
    await a.receive(part('i4', '+447700900006', '!', c16(3, 3)));
    const [mo] = await eventually(async () => { const m = await read('byo.mo.acme.i4'); return m.length ? m : undefined; }, { what: 'partial MO' });
    expect(mo).toMatchObject({ text: 'STOP!', segments: 2, partsMissing: [2], segmentsExpected: 3 });
    expect(mo!.keyword).toBeUndefined();
    a.stop();
  });

  it('restores stored parts in a new assembler (a restart) with the same message id', async () => {
    const first = assembler();
    const at = new Date().toISOString();
    await first.receive(part('i5', '+447700900007', 'kept ', c16(1), at));
    first.stop(); // the process dies: nothing was published
    expect(await read('byo.mo.acme.i5')).toEqual([]);
    const second = assembler();
    await second.restore('acme', 'i5');
    await second.receive(part('i5', '+447700900007', 'across', c16(2)));
    const [mo] = await eventually(async () => { const m = await read('byo.mo.acme.i5'); return m.length ? m : undefined; }, { what: 'restored MO' });
    expect(mo).toMatchObject({ text: 'kept across', segments: 2, receivedAt: at });
    second.stop();
  });

  it('forgets an integration it hands over: its waiting parts are published by the new owner only', async () => {
    const old = assembler(300);
    await old.receive(part('i6', '+447700900008', 'handed ', c16(1)));
    old.release('acme', 'i6');
    expect(old.pendingGroups).toBe(0);
    const owner = assembler();
    await owner.restore('acme', 'i6');
    // a control group on the old assembler, started after the released one with the same timeout: once
    // its partial MO is out, the released group's timer would have fired too. It publishes nothing.
    await old.receive(part('i6c', '+447700900009', 'control ', c16(1)));
    await eventually(async () => (await read('byo.mo.acme.i6c')).length === 1, { what: 'control group timed out' });
    expect(await read('byo.mo.acme.i6')).toEqual([]);
    await owner.receive(part('i6', '+447700900008', 'over', c16(2)));
    const mos = await eventually(async () => { const m = await read('byo.mo.acme.i6'); return m.length ? m : undefined; }, { what: 'MO' });
    expect(mos).toEqual([expect.objectContaining({ text: 'handed over', segments: 2 })]);
    old.stop();
    owner.stop();
  });
});
