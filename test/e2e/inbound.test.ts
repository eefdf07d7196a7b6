// Inbound end to end: the fake SMSC sends deliver_sm (MO) over real TCP to a real engine process; the
// test reads byo.mo from the BYO_MO stream, events from BYO_EVENTS and statuses from BYO_STATUS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';
import { DEFAULT_HELP_MESSAGE, DEFAULT_OPT_IN_MESSAGE, DEFAULT_OPT_OUT_MESSAGE } from '../../src/domain/keywords.js';

const SENDER = '+15550001001';
const HANDSET = '+447700900001';

interface Mo { id: string; from: string; to: string; text: string; segments: number; dataCoding: number; keyword?: string; partsMissing?: number[] }

/** every message of a stream on `subject` (oldest first), read with a fresh ordered consumer */
async function readStream<T>(world: World, stream: string, subject: string): Promise<T[]> {
  const consumer = await world.mt.js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.All });
  const pending = (await consumer.info()).num_pending;
  const out: T[] = [];
  if (pending === 0) return out;
  const batch = await consumer.fetch({ max_messages: pending, expires: 2_000 });
  for await (const m of batch) out.push(m.json<T>());
  return out;
}

const mo = (source: string, text: string, extra: { udh?: number[]; to?: string } = {}) => ({
  source_addr: source.replace('+', ''), source_addr_ton: 1, source_addr_npi: 1,
  destination_addr: (extra.to ?? SENDER).replace('+', ''), dest_addr_ton: 1, dest_addr_npi: 1,
  esm_class: extra.udh ? 0x40 : 0, data_coding: 0,
  short_message: Buffer.concat([Buffer.from(extra.udh ?? []), Buffer.from(text, 'latin1')]),
});
const part = (ref: number, total: number, seq: number) => [0x05, 0x00, 0x03, ref, total, seq];
const LONG_REASSEMBLY_MS = 10 * 60_000;

describe('inbound SMS and compliance keywords (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  let id: string;
  const mos = () => readStream<Mo>(world, 'BYO_MO', `byo.mo.acme.${id}`);
  /** parts of concatenated MOs this integration keeps in KV until their message is published */
  const storedParts = async () => {
    const tracking = await new Kvm(world.mt.js).open('byo_tracking');
    const stored: Record<string, unknown>[] = [];
    for await (const k of await tracking.keys(`acme.${id}.mo.>`)) {
      const e = await tracking.get(k);
      if (e?.operation === 'PUT') stored.push(e.json());
    }
    return stored;
  };
  /** this integration's binds (system_id acme): the short code integration binds to the same SMSC */
  const ours = () => smsc.connectionList().filter((c) => c.canReceive && c.systemId === 'acme');

  beforeAll(async () => {
    // a reassembly timeout no test can race on a loaded machine; the timeout test restarts with a short one
    world = await startWorld([{ autoDlr: true }], { BYO_MO_REASSEMBLY_TIMEOUT_MS: String(LONG_REASSEMBLY_MS) });
    smsc = world.smscs[0]!;
    id = await setUpIntegration(world.engine, smsc.port, SENDER, { messagesPerSecond: 100 });
    await eventually(async () => smsc.connectionList().filter((c) => c.canReceive).length === 3, { what: '3 receiving binds' });
  }, 60_000);

  afterAll(async () => world?.close());

  it('publishes a single-part message on byo.mo once, with addresses in E.164', async () => {
    const resp = await smsc.deliver('any', mo('+447700900111', 'Hello there'));
    expect(resp.commandStatus).toBe(0);
    const found = await eventually(async () => (await mos()).find((m) => m.text === 'Hello there'), { what: 'MO on byo.mo' });
    expect(found).toMatchObject({ from: '+447700900111', to: SENDER, segments: 1, dataCoding: 0 });
    expect(found.keyword).toBeUndefined();
  });

  it('joins a concatenated message whose parts arrive out of order over different binds', async () => {
    const [a, b, c] = smsc.connectionList().filter((x) => x.canReceive);
    for (const [conn, seq, text] of [[b, 2, 'second '], [c, 3, 'third'], [a, 1, 'first ']] as const) {
      expect((await smsc.deliver(conn!.id, mo('+447700900222', text, { udh: part(77, 3, seq) }))).commandStatus).toBe(0);
    }
    const found = await eventually(async () => (await mos()).find((m) => m.from === '+447700900222'), { what: 'joined MO' });
    expect(found).toMatchObject({ text: 'first second third', segments: 3 });
    // the assembler is done with the message once its parts are gone from KV: count after that
    await eventually(async () => (await storedParts()).length === 0, { what: 'parts cleared from KV' });
    expect((await mos()).filter((m) => m.from === '+447700900222')).toHaveLength(1);
  });

  it('STOP opts the handset out: keyword on the MO, auto-response sent, event published, later messages rejected', async () => {
    await smsc.deliver('any', mo(HANDSET, '  stop '));
    const stop = await eventually(async () => (await mos()).find((m) => m.from === HANDSET && m.keyword === 'optOut'), { what: 'STOP MO' });
    // the auto-response goes out as an outbound message of this integration, to the handset
    const reply = await world.mt.waitFinal('acme', id, `auto-${stop.id}`);
    expect(reply.final.state).toBe('delivered');
    const sent = smsc.submits.find((s) => s.destination_addr === HANDSET.slice(1) && s.short_message.toString('latin1') === DEFAULT_OPT_OUT_MESSAGE);
    expect(sent?.source_addr).toBe(SENDER.slice(1));
    const events = await readStream<{ type: string; to: string; detail: Record<string, unknown> }>(world, 'BYO_EVENTS', `byo.events.acme.${id}.subscriber.>`);
    expect(events.at(-1)).toMatchObject({ type: 'subscriber.opted_out', to: 'opted_out', detail: { sender: SENDER, handset: HANDSET, keyword: 'optOut', moId: stop.id } });
    const kv = await new Kvm(world.mt.js).open('byo_subscribers');
    expect((await kv.get(`${SENDER.slice(1)}.${HANDSET.slice(1)}`))?.json()).toMatchObject({ state: 'optedOut', history: [{ keyword: 'optOut' }] });

    const view = await world.engine.api('GET', `/v1/orgs/acme/numbers/${encodeURIComponent(SENDER)}/subscribers/${encodeURIComponent(HANDSET)}`);
    expect(view.body).toMatchObject({ sender: SENDER, handset: HANDSET, state: 'optedOut', history: [{ keyword: 'optOut', moId: stop.id }] });

    await world.mt.publish('acme', id, { id: 'after-stop', from: SENDER, to: HANDSET, text: 'a campaign' });
    const rejected = await world.mt.waitFinal('acme', id, 'after-stop');
    expect(rejected.final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'RECIPIENT_OPTED_OUT' } });
    expect(smsc.submits.some((s) => s.short_message.toString('latin1') === 'a campaign')).toBe(false);
  });

  it('answers HELP even while opted out, and START opts back in so messages flow again', async () => {
    await smsc.deliver('any', mo(HANDSET, 'HELP'));
    const help = await eventually(async () => (await mos()).find((m) => m.from === HANDSET && m.keyword === 'help'), { what: 'HELP MO' });
    expect((await world.mt.waitFinal('acme', id, `auto-${help.id}`)).final.state).toBe('delivered');
    expect(smsc.submits.some((s) => s.short_message.toString('latin1') === DEFAULT_HELP_MESSAGE)).toBe(true);

    await smsc.deliver('any', mo(HANDSET, 'Start'));
    const start = await eventually(async () => (await mos()).find((m) => m.from === HANDSET && m.keyword === 'optIn'), { what: 'START MO' });
    expect((await world.mt.waitFinal('acme', id, `auto-${start.id}`)).final.state).toBe('delivered');
    expect(smsc.submits.some((s) => s.short_message.toString('latin1').startsWith(DEFAULT_OPT_IN_MESSAGE.slice(0, 60)))).toBe(true);

    await world.mt.publish('acme', id, { id: 'after-start', from: SENDER, to: HANDSET, text: 'welcome back' });
    expect((await world.mt.waitFinal('acme', id, 'after-start')).final.state).toBe('delivered');
  });

  it('a user cannot pass an opt-out by copying the auto-response header with other text', async () => {
    await smsc.deliver('any', mo('+447700900444', 'QUIT'));
    await eventually(async () => (await mos()).find((m) => m.from === '+447700900444' && m.keyword === 'optOut'), { what: 'QUIT MO' });
    await eventually(async () => {
      const h = (await import('@nats-io/transport-node')).headers();
      h.set('Nats-Msg-Id', 'sneaky');
      h.set('Byo-Auto-Response', 'optOut');
      await world.mt.js.publish(`byo.mt.acme.${id}`, JSON.stringify({ id: 'sneaky', from: SENDER, to: '+447700900444', text: 'buy now' }), { headers: h });
      return true;
    });
    expect((await world.mt.waitFinal('acme', id, 'sneaky')).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'RECIPIENT_OPTED_OUT' } });
  });

  it('takes an MO sent as data_sm (UCS2 text in message_payload) through the same path, keyword included', async () => {
    const resp = await smsc.deliverDataSm('any', {
      source_addr: '447700900666', source_addr_ton: 1, source_addr_npi: 1, destination_addr: SENDER.slice(1), dest_addr_ton: 1, dest_addr_npi: 1,
      data_coding: 8, payload: Buffer.from('\u0000U\u0000N\u0000S\u0000U\u0000B\u0000S\u0000C\u0000R\u0000I\u0000B\u0000E', 'latin1'),
    });
    expect(resp).toMatchObject({ commandId: 0x80000103, commandStatus: 0 });
    const found = await eventually(async () => (await mos()).find((m) => m.from === '+447700900666'), { what: 'data_sm MO' });
    expect(found).toMatchObject({ text: 'UNSUBSCRIBE', keyword: 'optOut', dataCoding: 8 });
  });

  it('works with a short code: it sends, and its own keywords and auto-responses apply', async () => {
    const created = await world.engine.api('POST', '/v1/orgs/acme/integrations', {
      name: 'short code vendor', smscAddress: '127.0.0.1', smscPort: smsc.port, tls: false, credentials: { systemId: 'acmesc', password: 'secret1' },
      messagesPerSecond: 100, addressTon: 3,
    });
    const sc = created.body.id as string;
    const keywords = {
      help: { keywords: ['AIDE'], message: 'Short code help.' },
      optOut: { keywords: ['ARRET'], message: 'Short code: you are out.' },
      optIn: { keywords: ['REPRISE'], message: 'Short code: you are back.' },
    };
    const imported = await world.engine.api('POST', `/v1/orgs/acme/integrations/${sc}/numbers`, { type: 'shortcode', senderId: '72345', country: 'US', keywords });
    expect(imported.status, imported.text).toBe(201);
    await world.engine.api('POST', `/v1/orgs/acme/integrations/${sc}/activate`);
    await eventually(async () => (await world.engine.api('GET', `/v1/orgs/acme/integrations/${sc}/state`)).body?.state === 'active', { what: 'active' });

    await world.mt.publish('acme', sc, { id: 'sc-1', from: '72345', to: '+447700900777', text: 'from a short code' });
    expect((await world.mt.waitFinal('acme', sc, 'sc-1')).final.state).toBe('delivered');
    expect(smsc.submits.find((x) => x.short_message.toString('latin1') === 'from a short code')).toMatchObject({ source_addr: '72345', source_addr_ton: 3 });

    // to one of this integration's binds (the other integration binds to the same SMSC as 'acme')
    const bind = smsc.connectionList().find((c) => c.canReceive && c.systemId === 'acmesc')!;
    await smsc.deliver(bind.id, { ...mo('+447700900777', 'arret', { to: '72345' }), dest_addr_ton: 3 });
    const readSc = () => readStream<Mo>(world, 'BYO_MO', `byo.mo.acme.${sc}`);
    const stop = await eventually(async () => (await readSc()).find((m) => m.keyword === 'optOut'), { what: 'short code opt-out' });
    expect(stop.to).toBe('72345');
    expect((await world.mt.waitFinal('acme', sc, `auto-${stop.id}`)).final.state).toBe('delivered');
    expect(smsc.submits.some((x) => x.short_message.toString('latin1') === 'Short code: you are out.' && x.source_addr === '72345')).toBe(true);
    await world.mt.publish('acme', sc, { id: 'sc-2', from: '72345', to: '+447700900777', text: 'after arret' });
    expect((await world.mt.waitFinal('acme', sc, 'sc-2')).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'RECIPIENT_OPTED_OUT' } });
  });

  it('counts what happened in /metrics: submits by command_status, receipts, MOs by keyword, latency', async () => {
    const text = (await world.engine.api('GET', '/metrics')).text;
    const value = (name: string, labels: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const own = `integration="${id}"`;
    expect(value('byo_submit_sm_total', `${own},status="ESME_ROK"`)).toBeGreaterThanOrEqual(4); // auto-responses and messages
    expect(value('byo_deliver_sm_total', `${own},kind="receipt"`)).toBeGreaterThanOrEqual(4);
    expect(value('byo_deliver_sm_total', `${own},kind="mo"`)).toBeGreaterThanOrEqual(8);
    expect(value('byo_mo_messages_total', `${own},keyword="optOut"`)).toBe(3);
    expect(value('byo_mo_messages_total', `${own},keyword="none"`)).toBe(2); // the single-part and the joined message
    expect(Number(/^byo_submit_latency_seconds_count (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(4);
    expect(text).toMatch(new RegExp(`^byo_outbound_open_messages\\{org="acme",${own}\\} 0$`, 'm'));
    expect(text, 'the engine wires its parking into /metrics').toMatch(/^byo_mt_parked_consumers \d+$/m);
  });

  it('keeps stored parts across an engine restart and joins them with the part that comes after', async () => {
    await smsc.deliver(ours()[0]!.id, mo('+447700900555', 'before restart, ', { udh: part(200, 2, 1) }));
    // the part is in KV before the deliver_sm_resp: restart now
    expect(await storedParts()).toEqual([expect.objectContaining({ from: '+447700900555', text: 'before restart, ' })]);
    await world.engine.stop();
    await world.restartEngine();
    await eventually(async () => ours().length === 3, { what: 'rebound', timeoutMs: 20_000 });
    await smsc.deliver(ours()[0]!.id, mo('+447700900555', 'after restart', { udh: part(200, 2, 2) }));
    const found = await eventually(async () => (await mos()).find((m) => m.from === '+447700900555'), { what: 'joined after restart' });
    expect(found).toMatchObject({ text: 'before restart, after restart', segments: 2 });
    expect(found.partsMissing).toBeUndefined();
  }, 60_000);

  it('publishes what arrived, with partsMissing, when a part never comes (reassembly timeout)', async () => {
    await world.engine.stop();
    await world.restartEngine({ BYO_MO_REASSEMBLY_TIMEOUT_MS: '1000' });
    await eventually(async () => ours().length === 3, { what: 'rebound', timeoutMs: 20_000 });
    await smsc.deliver(ours()[0]!.id, mo('+447700900333', 'only the start ', { udh: part(9, 2, 1) }));
    const found = await eventually(async () => (await mos()).find((m) => m.from === '+447700900333'), { what: 'partial MO', timeoutMs: 15_000 });
    expect(found).toMatchObject({ text: 'only the start ', segments: 1, partsMissing: [2] });
    await eventually(async () => (await storedParts()).length === 0, { what: 'the part cleared from KV' });
  }, 60_000);

  it('decodes with the integration\'s charset list as updated, not as it was when the first MO came', async () => {
    // data_coding 0 is GSM 03.38 by default: 0xE9 has no character there. Read as Latin-1 it is é.
    const cafe = (from: string) => ({ ...mo(from, ''), short_message: Buffer.from('caf\u00e9', 'latin1') });
    expect((await smsc.deliver(ours()[0]!.id, cafe('+447700900771'))).commandStatus).toBe(0);
    const before = await eventually(async () => (await mos()).find((m) => m.from === '+447700900771'), { what: 'MO before the update' });
    expect(before.text).toBe('caf\ufffd');
    const path = `/v1/orgs/acme/integrations/${id}`;
    try {
      expect((await world.engine.api('PATCH', path, { advanced: { charsets: [{ dcs: 0, charset: 'ISO-8859-1' }] } })).status).toBe(200);
      // the update reaches the actor through the integrations KV watch: resend until it reads the new list
      let n = 0;
      const after = await eventually(async () => {
        const from = `+4477009008${String(n++).padStart(2, '0')}`;
        const bound = ours()[0];
        if (!bound) return undefined; // rebinding
        expect((await smsc.deliver(bound.id, cafe(from))).commandStatus).toBe(0);
        return eventually(async () => (await mos()).find((m) => m.from === from), { what: `MO from ${from}` })
          .then((m) => (m.text === 'café' ? m : undefined));
      }, { what: 'MO read as Latin-1 after the update' });
      expect(after).toMatchObject({ text: 'café', dataCoding: 0 });
    } finally {
      expect((await world.engine.api('PATCH', path, { advanced: {} })).status).toBe(200);
    }
  });
});
