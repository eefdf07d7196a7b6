import { afterAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JsPublisher } from '../../../src/adapters/nats/js-publisher.js';
import { FastKv, openFastKv } from '../../../src/adapters/nats/fast-kv.js';
import { isWrongLastSequence } from '../../../src/adapters/nats/kv-json.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';

let jsm: JetStreamManager;
let kv: KV;
let pub: JsPublisher;
let fast: FastKv;

const nats = useNatsServer(async ({ nc }) => {
  jsm = await jetstreamManager(nc);
  kv = await new Kvm(jetstream(nc)).create('fast_kv_test', { history: 1 });
  pub = new JsPublisher(nc, { ackTimeoutMs: 2_000 });
  const opened = await openFastKv(pub, jsm, 'fast_kv_test');
  if (!opened) throw new Error('expected a bucket with allow_direct on this server');
  fast = opened;
});

afterAll(() => pub?.close());

describe('FastKv against nats.js KV on a real nats-server', () => {
  it('reads what nats.js wrote, with the same revision', async () => {
    const revision = await kv.put('org.int.msg.a', '{"v":1}');
    const entry = await fast.get('org.int.msg.a');
    expect(entry).toMatchObject({ bucket: 'fast_kv_test', key: 'org.int.msg.a', revision });
    expect(entry?.json()).toEqual({ v: 1 });
  });

  it('writes what nats.js reads', async () => {
    const ack = await fast.put('org.int.sm.1', '{"id":"m","index":0}');
    const entry = await kv.get('org.int.sm.1');
    expect(entry?.revision).toBe(ack.seq);
    expect(entry?.json()).toEqual({ id: 'm', index: 0 });
  });

  it('treats a key never written, deleted or purged as absent', async () => {
    expect(await fast.get('never.written')).toBeNull();
    await kv.put('to.delete', 'x');
    await kv.delete('to.delete');
    expect(await fast.get('to.delete')).toBeNull();
    await kv.put('to.purge', 'x');
    await kv.purge('to.purge');
    expect(await fast.get('to.purge')).toBeNull();
  });

  it('updates only from the current revision: a stale one is refused as a wrong last sequence', async () => {
    const first = await fast.put('cas.key', '1');
    const second = await fast.update('cas.key', '2', first.seq);
    const stale = await fast.update('cas.key', '3', first.seq).catch((e: unknown) => e);
    expect(isWrongLastSequence(stale)).toBe(true);
    const entry = await fast.get('cas.key');
    expect(entry?.revision).toBe(second.seq);
    expect(new TextDecoder().decode(entry!.value)).toBe('2');
  });

  it('is not used for a bucket without direct gets', async () => {
    await new Kvm(jetstream(nats.nc)).create('no_direct', { history: 1, allow_direct: false });
    expect(await openFastKv(pub, jsm, 'no_direct')).toBeUndefined();
  });
});
