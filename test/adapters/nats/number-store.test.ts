import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { createKvNumberStore, UnreadableNumberError, type NumberRecord, type NumberStore } from '../../../src/adapters/nats/number-store.js';
import { BUCKETS, keys } from '../../../src/adapters/nats/subjects.js';
import { defaultKeywords } from '../../../src/domain/keywords.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

let server: TestNatsServer;
let nc: NatsConnection;
let kv: KV;
let store: NumberStore;
const logger = { warn: vi.fn() };
const clock = { now: new Date('2026-02-01T00:00:00.000Z') };

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, timeout: 5_000 });
  kv = await new Kvm(jetstream(nc)).create(BUCKETS.numbers, { history: 1 });
  store = createKvNumberStore(kv, { logger, now: () => clock.now });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

beforeEach(async () => {
  for await (const k of await kv.keys()) await kv.purge(k);
  logger.warn.mockClear();
});

const record = (e164: string, org: string, integration = 'smsc1', extra: Partial<NumberRecord> = {}): NumberRecord => ({
  version: 1, e164, org, integration, type: 'local', country: 'US', keywords: defaultKeywords(), state: 'provisioning',
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...extra,
});

describe('KV number store', () => {
  it('claims a free number under its digits and reads it back by E.164 or digits', async () => {
    expect(await store.claim(record('+14155552671', 'acme'))).toBe('claimed');
    const raw = await kv.get(keys.number('+14155552671'));
    expect(raw?.key).toBe('14155552671');
    expect(await store.get('+14155552671')).toEqual(record('+14155552671', 'acme'));
    expect(await store.get('14155552671')).toEqual(record('+14155552671', 'acme'));
    expect(await store.get('+14155550000')).toBeUndefined();
  });

  it('reports who holds a number on a second claim, from the same org or another', async () => {
    await store.claim(record('+14155552671', 'acme', 'smsc1'));
    expect(await store.claim(record('+14155552671', 'acme', 'smsc2'))).toEqual({ takenBy: { org: 'acme', integration: 'smsc1', state: 'provisioning' } });
    expect(await store.claim(record('+14155552671', 'globex'))).toEqual({ takenBy: { org: 'acme', integration: 'smsc1', state: 'provisioning' } });
  });

  it('lets exactly one of two concurrent claims from different orgs win', async () => {
    for (let round = 0; round < 5; round++) {
      const e164 = `+1415555270${round}`;
      const results = await Promise.all([store.claim(record(e164, 'acme')), store.claim(record(e164, 'globex'))]);
      const winners = results.filter((r) => r === 'claimed');
      expect(winners).toHaveLength(1);
      const holder = await store.get(e164);
      const loser = results.find((r) => r !== 'claimed');
      expect(loser).toEqual({ takenBy: { org: holder?.org, integration: 'smsc1', state: 'provisioning' } });
    }
  });

  it('keeps short codes under their digits', async () => {
    expect(await store.claim(record('12345', 'acme', 'smsc1', { type: 'shortcode' }))).toBe('claimed');
    expect((await store.get('+12345'))?.type).toBe('shortcode');
  });

  it('lists by org and by integration, across every key', async () => {
    await store.claim(record('+14155552671', 'acme', 'smsc1'));
    await store.claim(record('+14155552672', 'acme', 'smsc2'));
    await store.claim(record('+14155552673', 'globex', 'smsc1'));
    expect((await store.list()).map((r) => r.e164)).toEqual(['+14155552671', '+14155552672', '+14155552673']);
    expect((await store.listByOrg('acme')).map((r) => r.e164)).toEqual(['+14155552671', '+14155552672']);
    expect((await store.listByIntegration('acme', 'smsc1')).map((r) => r.e164)).toEqual(['+14155552671']);
    expect(await store.listByOrg('initech')).toEqual([]);
  });

  it('skips (and reports) a stored value that is not a number record when listing', async () => {
    await store.claim(record('+14155552671', 'acme'));
    await kv.put('15550001111', new TextEncoder().encode('{"not":"a record"}'));
    expect((await store.listByOrg('acme')).map((r) => r.e164)).toEqual(['+14155552671']);
    expect(logger.warn).toHaveBeenCalled();
    await expect(store.get('+15550001111')).rejects.toBeInstanceOf(UnreadableNumberError);
  });

  it('sets the state with compare-and-set and stamps updatedAt', async () => {
    await store.claim(record('+14155552671', 'acme'));
    const updated = await store.setState('+14155552671', 'active');
    expect(updated).toMatchObject({ state: 'active', updatedAt: clock.now.toISOString(), createdAt: '2026-01-01T00:00:00.000Z' });
    expect(await store.get('+14155552671')).toEqual(updated);
    expect(await store.setState('+14155550000', 'active')).toBeUndefined();
  });

  it('does not lose a change when two writers race: the later write wins and keeps the earlier one', async () => {
    const N = '+14155552671';
    await store.claim(record(N, 'acme'));
    // Force the race: writer A reads, writer B writes, then A writes. A must notice it read a stale
    // revision and write on top of B's record, not over it.
    let aRead!: () => void;
    const aHasRead = new Promise<void>((r) => { aRead = r; });
    let bWrote!: () => void;
    const bHasWritten = new Promise<void>((r) => { bWrote = r; });
    let gets = 0;
    const updates: string[] = [];
    const racingKv = new Proxy(kv, {
      get(target, prop) {
        if (prop === 'get') {
          return async (k: string) => {
            const entry = await target.get(k);
            if (gets++ === 0) { aRead(); await bHasWritten; }
            return entry;
          };
        }
        if (prop === 'update') {
          return async (k: string, v: Uint8Array, revision: number) => target.update(k, v, revision)
            .then((r) => { updates.push('written'); return r; }, (err: unknown) => { updates.push('refused'); throw err; });
        }
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const a = createKvNumberStore(racingKv, { logger, now: () => clock.now }).setState(N, 'active');
    await aHasRead;
    const current = (await kv.get(keys.number(N)))!;
    await kv.update(keys.number(N), JSON.stringify({ ...current.json<NumberRecord>(), state: 'disabled', integration: 'smsc2' }), current.revision);
    bWrote();
    expect((await a)?.state).toBe('active');
    expect(updates).toEqual(['refused', 'written']);
    expect(await store.get(N)).toMatchObject({ state: 'active', integration: 'smsc2' });
  });

  it('releases a number so it can be claimed again, by any org', async () => {
    await store.claim(record('+14155552671', 'acme'));
    expect((await store.release('14155552671'))?.org).toBe('acme');
    expect(await store.get('+14155552671')).toBeUndefined();
    expect(await store.release('+14155552671')).toBeUndefined();
    expect(await store.listByOrg('acme')).toEqual([]);
    expect(await store.claim(record('+14155552671', 'globex'))).toBe('claimed');
  });

  it('releases only for the org that holds the number when asked to check', async () => {
    await store.claim(record('+14155552671', 'acme'));
    expect(await store.release('+14155552671', { org: 'globex' })).toBeUndefined();
    expect((await store.get('+14155552671'))?.org).toBe('acme');
    expect((await store.release('+14155552671', { org: 'acme' }))?.org).toBe('acme');
  });

  it('relies on a server that refuses a purge at a stale revision', async () => {
    await store.claim(record('+14155552671', 'acme'));
    const stale = (await kv.get('14155552671'))!.revision;
    await store.setState('+14155552671', 'active');
    await expect(kv.purge('14155552671', { previousSeq: stale })).rejects.toThrow();
    expect((await store.get('+14155552671'))?.state).toBe('active');
  });

  it('refuses to store a record that does not fit the schema', async () => {
    await expect(store.claim({ ...record('+14155552671', 'acme'), state: 'bogus' } as unknown as NumberRecord)).rejects.toThrow();
    expect(await store.get('+14155552671')).toBeUndefined();
  });
});
