// Opt-outs as people type them, end to end: the fake SMSC sends deliver_sm over real TCP to a real
// engine process on a real nats-server. One integration, three numbers, one per optOutByIntent
// setting (off, confirm, optOut); each case texts from its own handset so cases cannot interfere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';
import { DEFAULT_OPT_OUT_MESSAGE } from '../../src/domain/keywords.js';
import { optOutConfirmMessage } from '../../src/domain/opt-out-intent.js';
import { DEFAULT_KEYWORDS } from '../../src/domain/keywords.js';

const OFF = '+15550002001';
const CONFIRM = '+15550002002';
const OPT_OUT = '+15550002003';
const CONFIRM_TEXT = optOutConfirmMessage(DEFAULT_KEYWORDS);

interface Mo { id: string; from: string; to: string; text: string; keyword?: string; optOutIntent?: string; optOutConfirmSent?: boolean }

const gsm = (from: string, to: string, text: string) => ({
  source_addr: from.slice(1), source_addr_ton: 1, source_addr_npi: 1, destination_addr: to.slice(1), dest_addr_ton: 1, dest_addr_npi: 1,
  esm_class: 0, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
});
const ucs2 = (from: string, to: string, text: string) => ({
  ...gsm(from, to, ''), data_coding: 8, short_message: Buffer.from(text, 'utf16le').swap16(),
});

describe('opt-out keywords as people type them, and optOutByIntent (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  let id: string;
  let handsetNo = 0;
  const nextHandset = () => `+4477009002${String(++handsetNo).padStart(2, '0')}`;

  const mosFrom = async (handset: string): Promise<Mo[]> => {
    const consumer = await world.mt.js.consumers.get('BYO_MO', { filter_subjects: `byo.mo.acme.${id}`, deliver_policy: DeliverPolicy.All });
    const pending = (await consumer.info()).num_pending;
    const out: Mo[] = [];
    if (pending === 0) return out;
    for await (const m of await consumer.fetch({ max_messages: pending, expires: 2_000 })) out.push(m.json<Mo>());
    return out.filter((m) => m.from === handset);
  };
  /** sends one MO and returns it as published on byo.mo (the SMSC's deliver_sm is answered ROK first) */
  const text = async (pdu: ReturnType<typeof gsm>, handset: string, nth = 1): Promise<Mo> => {
    expect((await smsc.deliver('any', pdu)).commandStatus).toBe(0);
    return eventually(async () => (await mosFrom(handset))[nth - 1], { what: `MO #${nth} from ${handset}` });
  };
  const submitsTo = (handset: string, body: string) =>
    smsc.submits.filter((s) => s.destination_addr === handset.slice(1) && s.short_message.toString('latin1') === body);
  const subscriber = async (sender: string, handset: string) =>
    (await (await new Kvm(world.mt.js).open('byo_subscribers')).get(`${sender.slice(1)}.${handset.slice(1)}`))?.json<Record<string, unknown>>();

  beforeAll(async () => {
    world = await startWorld([{ autoDlr: true }]);
    smsc = world.smscs[0]!;
    id = await setUpIntegration(world.engine, smsc.port, OFF, { messagesPerSecond: 100 });
    for (const [senderId, optOutByIntent] of [[CONFIRM, 'confirm'], [OPT_OUT, 'optOut']] as const) {
      const r = await world.engine.api('POST', `/v1/orgs/acme/integrations/${id}/numbers`, { type: 'local', senderId, optOutByIntent });
      expect(r.status, r.text).toBe(201);
      expect(r.body.optOutByIntent).toBe(optOutByIntent);
    }
    await eventually(async () => smsc.connectionList().filter((c) => c.canReceive).length === 3, { what: '3 receiving binds' });
  }, 60_000);

  afterAll(async () => world?.close());

  describe('normalisation: each spelling opts out (number with optOutByIntent off)', () => {
    const spellings: [what: string, pdu: (h: string) => ReturnType<typeof gsm>][] = [
      ['surrounding whitespace and a full stop', (h) => gsm(h, OFF, ' Stop. ')],
      ['exclamation mark', (h) => gsm(h, OFF, 'STOP!')],
      ['double quotes', (h) => gsm(h, OFF, '"stop"')],
      ['full-width letters (UCS2)', (h) => ucs2(h, OFF, 'ＳＴＯＰ')],
      ['trailing emoji (UCS2)', (h) => ucs2(h, OFF, 'Stop 🛑')],
      ['typographic quotes and case (UCS2)', (h) => ucs2(h, OFF, '“unsubscribe”')],
    ];
    it.each(spellings)('%s', async (_what, pdu) => {
      const handset = nextHandset();
      const mo = await text(pdu(handset), handset);
      expect(mo.keyword).toBe('optOut');
      expect(mo.optOutIntent).toBeUndefined();
      expect((await world.mt.waitFinal('acme', id, `auto-${mo.id}`)).final.state).toBe('delivered');
      expect(submitsTo(handset, DEFAULT_OPT_OUT_MESSAGE)).toHaveLength(1);
      expect(await subscriber(OFF, handset)).toMatchObject({ state: 'optedOut' });
    });

    it('a multi-word message is not a keyword, and with the setting off a mention does nothing', async () => {
      const handset = nextHandset();
      const mo = await text(gsm(handset, OFF, 'please stop texting me'), handset);
      expect(mo.keyword).toBeUndefined();
      expect(mo.optOutIntent).toBeUndefined();
      expect(await subscriber(OFF, handset)).toBeUndefined();
      // the handset still receives messages
      await world.mt.publish('acme', id, { id: `after-${handset}`, from: OFF, to: handset, text: 'still subscribed' });
      expect((await world.mt.waitFinal('acme', id, `after-${handset}`)).final.state).toBe('delivered');
    });
  });

  it('confirm: a mention gets one reply asking to text STOP, once per interval; the handset stays subscribed', async () => {
    const handset = nextHandset();
    const first = await text(gsm(handset, CONFIRM, 'please stop texting me'), handset);
    expect(first).toMatchObject({ optOutIntent: 'confirm', optOutConfirmSent: true });
    expect(first.keyword).toBeUndefined();
    expect((await world.mt.waitFinal('acme', id, `auto-${first.id}`)).final.state).toBe('delivered');
    expect(submitsTo(handset, CONFIRM_TEXT)).toHaveLength(1);
    const stored = await subscriber(CONFIRM, handset);
    expect(stored).toMatchObject({ state: 'subscribed', optOutConfirmAskedAt: expect.any(String) });

    // a second mention the same day: published as a mention, no second question
    const second = await text(gsm(handset, CONFIRM, 'I said STOP texting me!'), handset, 2);
    expect(second).toMatchObject({ optOutIntent: 'confirm', optOutConfirmSent: false });
    expect((await subscriber(CONFIRM, handset))?.optOutConfirmAskedAt).toBe(stored?.optOutConfirmAskedAt);
    // the deliver_sm was answered after any reply was queued: once BYO_MT drained, none was sent
    await world.mt.settled('acme', id, [smsc]);
    expect(submitsTo(handset, CONFIRM_TEXT)).toHaveLength(1);

    // the handset answers STOP: now it is out
    const stop = await text(gsm(handset, CONFIRM, 'STOP'), handset, 3);
    expect(stop.keyword).toBe('optOut');
    expect(await subscriber(CONFIRM, handset)).toMatchObject({ state: 'optedOut' });
  });

  it('optOut: a mention is treated as STOP (opted out, the opt-out auto-response sent, later messages rejected)', async () => {
    const handset = nextHandset();
    const mo = await text(gsm(handset, OPT_OUT, 'Please stop texting me.'), handset);
    expect(mo).toMatchObject({ keyword: 'optOut', optOutIntent: 'optOut' });
    expect((await world.mt.waitFinal('acme', id, `auto-${mo.id}`)).final.state).toBe('delivered');
    expect(submitsTo(handset, DEFAULT_OPT_OUT_MESSAGE)).toHaveLength(1);
    expect(await subscriber(OPT_OUT, handset)).toMatchObject({ state: 'optedOut', history: [{ keyword: 'optOut', moId: mo.id }] });
    await world.mt.publish('acme', id, { id: `blocked-${handset}`, from: OPT_OUT, to: handset, text: 'a campaign' });
    expect((await world.mt.waitFinal('acme', id, `blocked-${handset}`)).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'RECIPIENT_OPTED_OUT' } });
  });

  it('an import with an unknown optOutByIntent is refused with a clear error', async () => {
    const r = await world.engine.api('POST', `/v1/orgs/acme/integrations/${id}/numbers`, { type: 'local', senderId: '+15550002009', optOutByIntent: 'sometimes' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('optOutByIntent must be one of off, confirm, optOut');
  });
});
