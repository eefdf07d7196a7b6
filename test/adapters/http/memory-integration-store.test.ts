// The HTTP tests lean on the in-memory store behaving like the KV one; these pin that down.
import { describe, expect, it } from 'vitest';
import { StoreConflictError, StoreNotFoundError, type IntegrationChange, type IntegrationRecord } from '../../../src/domain/integration-record.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';

const record = (id: string, org = 'acme'): IntegrationRecord => ({
  version: 1, org, id, config: { name: id }, desired: 'inactive', configRevision: 1,
  createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z',
});

describe('MemoryIntegrationStore', () => {
  it('creates once, copies in and out, and lists by org', async () => {
    const store = new MemoryIntegrationStore();
    const r = record('a');
    await store.create(r);
    await store.create(record('b', 'other'));
    await expect(store.create(record('a'))).rejects.toBeInstanceOf(StoreConflictError);
    r.config.name = 'mutated by caller';
    const got = await store.get('acme', 'a');
    expect(got?.config.name).toBe('a');
    got!.config.name = 'mutated again';
    expect((await store.get('acme', 'a'))?.config.name).toBe('a');
    expect((await store.list('acme')).map((x) => x.id)).toEqual(['a']);
    expect(await store.list()).toHaveLength(2);
  });

  it('validates records at the boundary and refuses to move a record', async () => {
    const store = new MemoryIntegrationStore();
    await expect(store.create({ ...record('a'), version: 2 } as unknown as IntegrationRecord)).rejects.toThrow();
    await store.create(record('a'));
    await expect(store.update('acme', 'a', (r) => ({ ...r, id: 'b' }))).rejects.toThrow(/may not move/);
    await expect(store.update('acme', 'nope', (r) => r)).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('re-runs mutate against the newer record when a concurrent write wins, and gives up eventually', async () => {
    const store = new MemoryIntegrationStore(3);
    await store.create(record('a'));
    let calls = 0;
    store.beforeCommit = async (org, id, attempt) => {
      if (attempt === 0) await store.update(org, id, (r) => ({ ...r, desired: 'active' }));
    };
    const out = await store.update('acme', 'a', (r) => { calls++; return { ...r, configRevision: r.configRevision + 1 }; });
    expect(calls).toBe(2);
    expect(out).toMatchObject({ desired: 'active', configRevision: 2 });

    store.beforeCommit = async (org, id) => { await store.update(org, id, (r) => ({ ...r })); };
    await expect(store.update('acme', 'a', (r) => r)).rejects.toBeInstanceOf(StoreConflictError);
  });

  it('watch replays current records, then reports puts and purges until aborted', async () => {
    const store = new MemoryIntegrationStore();
    await store.create(record('a'));
    const stop = new AbortController();
    const seen: IntegrationChange[] = [];
    const done = (async () => {
      for await (const change of store.watch(stop.signal)) {
        seen.push(change);
        if (seen.length === 3) stop.abort();
      }
    })();
    await Promise.resolve();
    await store.update('acme', 'a', (r) => ({ ...r, desired: 'deleted' }));
    await store.purge('acme', 'a');
    await done;
    expect(seen.map((c) => c.op)).toEqual(['put', 'put', 'del']);
    expect(seen[1]).toMatchObject({ record: { desired: 'deleted' } });
    expect(await store.get('acme', 'a')).toBeUndefined();
  });
});
