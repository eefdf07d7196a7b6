import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, RetentionPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUCKETS, STREAMS, consumers, kvStream, subjects } from '../../../src/adapters/nats/subjects.js';
import { ensureBuckets, ensureStreams, purgeQueuedMt, StreamSetupError } from '../../../src/adapters/nats/streams.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const ms = (n: number) => n * 1_000_000;
const TRACKING_TTL_MS = 3_600_000;

let server: TestNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let kvm: Kvm;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, timeout: 5_000 });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  kvm = new Kvm(js);
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('ensureStreams', () => {
  it('creates the four streams and is a no-op when run again, also concurrently', async () => {
    await ensureStreams(jsm);
    await Promise.all([ensureStreams(jsm), ensureStreams(jsm)]);
    const mt = (await jsm.streams.info(STREAMS.mt)).config;
    expect(mt.subjects).toEqual([subjects.mtAll]);
    expect(mt.retention).toBe(RetentionPolicy.Workqueue);
    expect(mt.duplicate_window).toBeGreaterThanOrEqual(ms(120_000));
    expect(mt.max_age).toBe(0);
    for (const [name, subject] of [[STREAMS.status, subjects.statusAll], [STREAMS.mo, subjects.moAll], [STREAMS.events, subjects.eventsAll]] as const) {
      const c = (await jsm.streams.info(name)).config;
      expect(c.subjects).toEqual([subject]);
      expect(c.retention).toBe(RetentionPolicy.Limits);
      expect(c.max_age).toBe(ms(7 * 24 * 3_600_000));
    }
  });

  it('brings a drifted stream back to the wanted limits', async () => {
    await ensureStreams(jsm);
    const have = (await jsm.streams.info(STREAMS.events)).config;
    await jsm.streams.update(STREAMS.events, { ...have, max_age: ms(3_600_000) });
    await ensureStreams(jsm, { eventsMaxAgeMs: 2 * 24 * 3_600_000 });
    expect((await jsm.streams.info(STREAMS.events)).config.max_age).toBe(ms(2 * 24 * 3_600_000));
  });

  it('de-duplicates BYO_MT publishes by Nats-Msg-Id', async () => {
    await ensureStreams(jsm);
    const subject = subjects.mt('dedup', 'int1');
    const first = await js.publish(subject, '{"text":"a"}', { msgID: 'msg-1' });
    const again = await js.publish(subject, '{"text":"a"}', { msgID: 'msg-1' });
    const other = await js.publish(subject, '{"text":"b"}', { msgID: 'msg-2' });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.seq);
    expect(other.duplicate).toBe(false);
    const info = await jsm.streams.info(STREAMS.mt, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(2);
    expect(await purgeQueuedMt(jsm, 'dedup', 'int1')).toBe(2);
  });

  it('allows one durable per integration on the work queue and refuses an overlapping reader', async () => {
    await ensureStreams(jsm);
    const durable = (org: string, id: string) => ({
      durable_name: consumers.mt(org, id), filter_subject: subjects.mt(org, id), ack_policy: AckPolicy.Explicit,
    });
    await jsm.consumers.add(STREAMS.mt, durable('wq', 'a'));
    await jsm.consumers.add(STREAMS.mt, durable('wq', 'b'));
    await expect(jsm.consumers.add(STREAMS.mt, { durable_name: 'catch_all', filter_subject: subjects.mtAll, ack_policy: AckPolicy.Explicit }))
      .rejects.toThrow(/unique|overlap/i);

    // acked work-queue messages leave the stream
    await js.publish(subjects.mt('wq', 'a'), 'x');
    const c = await js.consumers.get(STREAMS.mt, consumers.mt('wq', 'a'));
    const m = await c.next({ expires: 5_000 });
    expect(m?.subject).toBe(subjects.mt('wq', 'a'));
    await m!.ackAck();
    const info = await jsm.streams.info(STREAMS.mt, { subjects_filter: subjects.mt('wq', 'a') });
    expect(info.state.subjects?.[subjects.mt('wq', 'a')] ?? 0).toBe(0);
  });

  it('refuses to silently change the retention of an existing stream', async () => {
    await ensureStreams(jsm);
    const mt = (await jsm.streams.info(STREAMS.mt)).config;
    await jsm.streams.delete(STREAMS.mt);
    await jsm.streams.add({ ...mt, retention: RetentionPolicy.Limits });
    try {
      await expect(ensureStreams(jsm)).rejects.toThrow(StreamSetupError);
      await expect(ensureStreams(jsm)).rejects.toThrow(/retention "limits" but "workqueue"/);
    } finally {
      await jsm.streams.delete(STREAMS.mt);
      await ensureStreams(jsm);
    }
  });
});

describe('ensureBuckets', () => {
  it('creates every bucket with its limits and is a no-op when run again', async () => {
    const buckets = await ensureBuckets(kvm, { trackingTtlMs: TRACKING_TTL_MS });
    await Promise.all([ensureBuckets(kvm, { trackingTtlMs: TRACKING_TTL_MS }), ensureBuckets(kvm, { trackingTtlMs: TRACKING_TTL_MS })]);
    expect(Object.keys(buckets).sort()).toEqual(Object.keys(BUCKETS).sort());
    const config = async (bucket: string) => (await jsm.streams.info(kvStream(bucket))).config;
    expect((await config(BUCKETS.tracking)).max_age).toBe(ms(TRACKING_TTL_MS));
    expect((await config(BUCKETS.leases)).max_age).toBe(ms(30_000));
    expect((await config(BUCKETS.claims)).max_age).toBe(0);
    expect((await config(BUCKETS.state)).max_age).toBe(ms(60_000));
    expect((await config(BUCKETS.integrations)).max_age).toBe(0);
    expect((await config(BUCKETS.integrations)).max_msgs_per_subject).toBe(1);
    await buckets.numbers.put('15551234567', 'x');
    expect((await buckets.numbers.get('15551234567'))?.string()).toBe('x');
  });

  it('updates the limits of an existing bucket', async () => {
    await ensureBuckets(kvm, { trackingTtlMs: TRACKING_TTL_MS });
    await ensureBuckets(kvm, { trackingTtlMs: 2 * TRACKING_TTL_MS, leasesMaxAgeMs: 15_000 });
    expect((await jsm.streams.info(kvStream(BUCKETS.tracking))).config.max_age).toBe(ms(2 * TRACKING_TTL_MS));
    expect((await jsm.streams.info(kvStream(BUCKETS.leases))).config.max_age).toBe(ms(15_000));
  });
});
