// Tracker against a real nats-server, with the fast path (FastKv) and with nats.js's KV client: the
// track of a single-segment message lives in its reference, multi-segment ones under the message id,
// and either way exactly one final status is decided per message.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JsPublisher } from '../../../src/adapters/nats/js-publisher.js';
import { openFastKv } from '../../../src/adapters/nats/fast-kv.js';
import { Tracker, type MessageTrack } from '../../../src/actors/outbound/tracker.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
let kv: KV;
let pub: JsPublisher;
const trackers: Record<'fast' | 'natsjs', Tracker> = {} as never;
useNatsServer(async ({ nc }) => {
  kv = await new Kvm(jetstream(nc)).create('tracking_test', { history: 1 });
  pub = new JsPublisher(nc, { ackTimeoutMs: 2_000 });
  trackers.fast = new Tracker(kv, logger, await openFastKv(pub, await jetstreamManager(nc), 'tracking_test'));
  trackers.natsjs = new Tracker(kv, logger);
});
afterAll(() => pub?.close());

const AT = '2026-11-26T00:00:00.000Z';
const FAILED = { genericErrorCode: 3, genericErrorCause: 'DEST_ADDR_INVALID', description: 'x' };

describe.each(['fast', 'natsjs'] as const)('Tracker (%s)', (mode) => {
  const t = () => trackers[mode];
  const finals: MessageTrack[] = [];
  const publishFinal = async (track: MessageTrack) => { finals.push(track); };

  async function submit(id: string, smscIds: string[]): Promise<MessageTrack> {
    const track = await t().putTrack('acme', mode, id, smscIds, AT);
    await t().putRefs('acme', mode, track);
    return track;
  }

  it('single segment: the reference carries the track; the first receipt decides, a repeat only records', async () => {
    await submit('s1', ['A1']);
    const ref = (await kv.get(`acme.${mode}.sm.a1`))?.json<{ track?: MessageTrack }>() ?? (await kv.get(`acme.${mode}.sm.A1`))?.json<{ track?: MessageTrack }>();
    expect(ref?.track).toMatchObject({ id: 's1', segments: 1 });
    const first = await t().applyReceipt('acme', mode, ['a1'], undefined, publishFinal);
    expect(first).toMatchObject({ kind: 'final', track: { final: 'delivered', seg: ['delivered'] } });
    const again = await t().applyReceipt('acme', mode, ['A1'], undefined, publishFinal);
    expect(again.kind).toBe('recorded');
    expect(finals.filter((f) => f.id === 's1')).toHaveLength(1);
  });

  it('single segment: a replay after a crash does not wipe a final already recorded', async () => {
    const track = await submit('s2', ['B2']);
    await t().applyReceipt('acme', mode, ['B2'], FAILED, publishFinal);
    await t().putRefs('acme', mode, track); // the redelivered MT replays what it recorded
    const again = await t().applyReceipt('acme', mode, ['B2'], undefined, publishFinal);
    expect(again).toMatchObject({ kind: 'recorded', track: { final: 'failed' } });
    expect(finals.filter((f) => f.id === 's2').map((f) => f.final)).toEqual(['failed']);
  });

  it('multi segment: delivered only when every segment is, failed as soon as one fails', async () => {
    await submit('m1', ['C1', 'C2', 'C3']);
    expect((await t().applyReceipt('acme', mode, ['C2'], undefined, publishFinal)).kind).toBe('recorded');
    expect((await t().applyReceipt('acme', mode, ['C1'], undefined, publishFinal)).kind).toBe('recorded');
    expect(await t().applyReceipt('acme', mode, ['C3'], undefined, publishFinal)).toMatchObject({ kind: 'final', track: { final: 'delivered' } });
    await submit('m2', ['D1', 'D2']);
    expect(await t().applyReceipt('acme', mode, ['D2'], FAILED, publishFinal)).toMatchObject({ kind: 'final', track: { final: 'failed' } });
    expect((await t().applyReceipt('acme', mode, ['D1'], undefined, publishFinal)).kind).toBe('recorded');
    expect(finals.filter((f) => f.id === 'm2')).toHaveLength(1);
  });

  it('decides once when receipts for all segments race each other', async () => {
    await submit('m3', ['E1', 'E2', 'E3', 'E4']);
    const outcomes = await Promise.all(['E1', 'E2', 'E3', 'E4'].map((id) => t().applyReceipt('acme', mode, [id], undefined, publishFinal)));
    expect(outcomes.filter((o) => o.kind === 'final')).toHaveLength(1);
    expect(finals.filter((f) => f.id === 'm3')).toHaveLength(1);
  });

  it('answers unknown for an id it never saw', async () => {
    expect((await t().applyReceipt('acme', mode, ['ZZ9'], undefined, publishFinal)).kind).toBe('unknown');
  });
});
