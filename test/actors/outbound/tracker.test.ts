// Tracker against a real nats-server, with the fast path (FastKv) and with nats.js's KV client: the
// track of a single-segment message lives in its reference, multi-segment ones under the message id,
// and either way exactly one final status is decided per message.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JsPublisher } from '../../../src/adapters/nats/js-publisher.js';
import { openFastKv } from '../../../src/adapters/nats/fast-kv.js';
import { REF_HINT_MAX_AGE_MS, Tracker, type MessageTrack } from '../../../src/actors/outbound/tracker.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
let kv: KV;
let pub: JsPublisher;
const trackers: Record<'fast' | 'natsjs', Tracker> = {} as never;
const nats = useNatsServer(async ({ nc }) => {
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

describe('Tracker: the reference it just created is not read back for its receipt', () => {
  let clock = 0;
  let fast: Awaited<ReturnType<typeof openFastKv>>;
  let hinted: Tracker;
  let other: Tracker;
  const finals: MessageTrack[] = [];
  const publishFinal = async (track: MessageTrack) => { finals.push(track); };

  // two trackers on one bucket: two instances, or one before and after a hand-over
  beforeAll(async () => {
    fast = await openFastKv(pub, await jetstreamManager(nats.nc), 'tracking_test');
    hinted = new Tracker(kv, logger, fast, () => clock);
    other = new Tracker(kv, logger, fast);
  });

  it('applies the receipt with no read', async () => {
    const track = await hinted.putTrack('acme', 'hint', 'h1', ['H1'], AT);
    await hinted.putRefs('acme', 'hint', track);
    const get = vi.spyOn(fast!, 'get');
    try {
      expect(await hinted.applyReceipt('acme', 'hint', ['H1'], undefined, publishFinal)).toMatchObject({ kind: 'final', track: { final: 'delivered' } });
      expect(get).not.toHaveBeenCalled();
      // used once: a repeat reads, and only records
      expect((await hinted.applyReceipt('acme', 'hint', ['H1'], undefined, publishFinal)).kind).toBe('recorded');
      expect(get).toHaveBeenCalled();
    } finally {
      get.mockRestore();
    }
    expect(finals.filter((f) => f.id === 'h1')).toHaveLength(1);
  });

  it('a hint someone else overtook loses the compare-and-set: the stored final stands', async () => {
    const track = await hinted.putTrack('acme', 'hint', 'h2', ['H2'], AT);
    await hinted.putRefs('acme', 'hint', track);
    expect(await other.applyReceipt('acme', 'hint', ['H2'], FAILED, publishFinal)).toMatchObject({ kind: 'final', track: { final: 'failed' } });
    const late = await hinted.applyReceipt('acme', 'hint', ['H2'], undefined, publishFinal);
    expect(late).toMatchObject({ kind: 'recorded', track: { final: 'failed', seg: ['delivered'] } });
  });

  it('a hint older than REF_HINT_MAX_AGE_MS is not used: the receipt reads and publishes nothing twice', async () => {
    const track = await hinted.putTrack('acme', 'hint', 'h3', ['H3'], AT);
    await hinted.putRefs('acme', 'hint', track);
    await other.applyReceipt('acme', 'hint', ['H3'], FAILED, publishFinal);
    clock += REF_HINT_MAX_AGE_MS + 1;
    expect((await hinted.applyReceipt('acme', 'hint', ['H3'], undefined, publishFinal)).kind).toBe('recorded');
    expect(finals.filter((f) => f.id === 'h3').map((f) => f.final)).toEqual(['failed']);
  });
});
