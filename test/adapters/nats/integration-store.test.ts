import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import {
  StoreConflictError, StoreNotFoundError, type IntegrationChange, type IntegrationRecord, type IntegrationStore,
} from '../../../src/domain/integration-record.js';
import { createKvIntegrationStore } from '../../../src/adapters/nats/integration-store.js';
import { ensureBuckets } from '../../../src/adapters/nats/streams.js';
import { BUCKETS, keys, kvStream } from '../../../src/adapters/nats/subjects.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

let server: TestNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let kv: KV;
let store: IntegrationStore;
const logger = { warn: vi.fn() };

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, timeout: 5_000 });
  jsm = await jetstreamManager(nc);
  kv = (await ensureBuckets(new Kvm(jetstream(nc)), { trackingTtlMs: 60_000 })).integrations;
  store = createKvIntegrationStore(kv, { logger });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const record = (org: string, id: string, extra: Partial<IntegrationRecord> = {}): IntegrationRecord => ({
  version: 1, org, id,
  config: { name: `integration ${id}`, smscAddress: 'smsc.example.net', smscPort: 2776 },
  credentials: { systemId: 'acme', ciphertext: `v1.iv.tag.SECRET-${org}-${id}` },
  desired: 'inactive', configRevision: 1,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

function within<T>(p: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Every message still in the bucket's stream, as text: what an operator with stream access could read. */
async function rawBucketContents(): Promise<string[]> {
  const { state } = await jsm.streams.info(kvStream(BUCKETS.integrations));
  const out: string[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(kvStream(BUCKETS.integrations), { seq }).catch(() => null);
    if (m) out.push(`${m.subject} ${new TextDecoder().decode(m.data)}`);
  }
  return out;
}

describe('KV integration store', () => {
  it('creates, refuses a duplicate id, reads back and lists by org', async () => {
    await store.create(record('crud', 'a'));
    await store.create(record('crud', 'b'));
    await store.create(record('crud-other', 'a'));
    await expect(store.create(record('crud', 'a'))).rejects.toThrow(StoreConflictError);
    expect(await store.get('crud', 'a')).toEqual(record('crud', 'a'));
    expect(await store.get('crud', 'missing')).toBeUndefined();
    expect((await store.list('crud')).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await store.list()).map((r) => `${r.org}/${r.id}`)).toEqual(expect.arrayContaining(['crud/a', 'crud/b', 'crud-other/a']));
    expect(await store.list('nobody')).toEqual([]);
  });

  it('validates records on the way in', async () => {
    await expect(store.create({ ...record('bad', 'x'), desired: 'sideways' } as unknown as IntegrationRecord)).rejects.toThrow();
    expect(await store.get('bad', 'x')).toBeUndefined();
  });

  it('applies concurrent updates through compare-and-set without losing any', async () => {
    await store.create(record('cas', 'a'));
    await Promise.all([
      store.update('cas', 'a', (r) => ({ ...r, config: { ...r.config, notes: 'from writer 1' } })),
      store.update('cas', 'a', (r) => ({ ...r, desired: 'active' })),
      ...Array.from({ length: 8 }, () => store.update('cas', 'a', (r) => ({ ...r, configRevision: r.configRevision + 1 }))),
    ]);
    const after = await store.get('cas', 'a');
    expect(after?.config.notes).toBe('from writer 1');
    expect(after?.desired).toBe('active');
    expect(after?.configRevision).toBe(9);
  });

  it('fails an update of a missing integration with StoreNotFoundError', async () => {
    await expect(store.update('cas', 'missing', (r) => r)).rejects.toThrow(StoreNotFoundError);
  });

  it('purges config and ciphertext from the key and its history', async () => {
    await store.create(record('purge', 'a'));
    await store.update('purge', 'a', (r) => ({ ...r, credentials: { systemId: 'acme', ciphertext: 'v1.iv.tag.SECOND-SECRET' } }));
    expect((await rawBucketContents()).some((m) => m.includes('SECOND-SECRET'))).toBe(true);

    await store.purge('purge', 'a');
    expect(await store.get('purge', 'a')).toBeUndefined();
    expect(await store.list('purge')).toEqual([]);
    const history: string[] = [];
    for await (const e of await kv.history({ key: keys.integration('purge', 'a') })) history.push(`${e.operation} ${e.string()}`);
    expect(history).toEqual(['PURGE ']);
    const raw = (await rawBucketContents()).join('\n');
    expect(raw).not.toContain('SECRET-purge-a');
    expect(raw).not.toContain('SECOND-SECRET');
    expect(raw).not.toContain('"org":"purge"');

    // the id is free again
    await store.create(record('purge', 'a'));
    expect(await store.get('purge', 'a')).toEqual(record('purge', 'a'));
  });

  it('skips corrupt values instead of failing', async () => {
    logger.warn.mockClear();
    await kv.put(keys.integration('corrupt', 'notjson'), '{nope');
    await kv.put(keys.integration('corrupt', 'wrongshape'), JSON.stringify({ version: 2 }));
    await kv.put(keys.integration('corrupt', 'elsewhere'), JSON.stringify(record('victim', 'x')));
    await store.create(record('corrupt', 'fine'));
    expect(await store.get('corrupt', 'notjson')).toBeUndefined();
    expect(await store.get('corrupt', 'elsewhere')).toBeUndefined();
    expect((await store.list('corrupt')).map((r) => r.id)).toEqual(['fine']);
    expect(logger.warn).toHaveBeenCalled();
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('SECRET');
  });

  it('watches: current values first, then puts and deletes, until aborted', async () => {
    const w = createKvIntegrationStore(kv, { logger });
    await w.create(record('watch', 'a'));
    const ac = new AbortController();
    const it = w.watch(ac.signal)[Symbol.asyncIterator]();
    const seen: IntegrationChange[] = [];
    // other tests' records come first too; read until ours shows up
    const next = async () => (await within(it.next())).value as IntegrationChange;
    const nextFor = async (org: string) => {
      for (;;) {
        const c = await next();
        seen.push(c);
        if (c.org === org) return c;
      }
    };
    expect(await nextFor('watch')).toMatchObject({ op: 'put', org: 'watch', id: 'a', record: record('watch', 'a') });

    await w.create(record('watch', 'b'));
    expect(await nextFor('watch')).toMatchObject({ op: 'put', id: 'b' });
    await w.update('watch', 'a', (r) => ({ ...r, desired: 'active' }));
    expect(await nextFor('watch')).toMatchObject({ op: 'put', id: 'a', record: { desired: 'active' } });
    await w.purge('watch', 'b');
    expect(await nextFor('watch')).toEqual({ op: 'del', org: 'watch', id: 'b' });
    await kv.delete(keys.integration('watch', 'a'));
    expect(await nextFor('watch')).toEqual({ op: 'del', org: 'watch', id: 'a' });

    ac.abort();
    expect((await within(it.next())).done).toBe(true);
    // the purged record of an earlier test is not replayed as a delete
    expect(seen.filter((c) => c.op === 'del' && c.org !== 'watch')).toEqual([]);
  });

  it('ends a watch at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const it = store.watch(ac.signal)[Symbol.asyncIterator]();
    expect((await within(it.next())).done).toBe(true);
  });
});
