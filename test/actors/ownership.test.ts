import { beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { OwnerClaims, preferredInstance, type ClaimWrites } from '../../src/actors/ownership.js';
import { FastKv, JsPublisher } from '../../src/adapters/nats/index.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
const FENCE_MS = 4_000;
let kv: KV;
/** a bucket whose renewals go through FastKv (what the engine does), not the KV client */
let fastKv: KV;
let renewals: ClaimWrites;
let publisher: JsPublisher;
useNatsServer(async ({ nc }) => {
  kv = await new Kvm(jetstream(nc)).create('owners_test', { history: 1 });
  fastKv = await new Kvm(jetstream(nc)).create('owners_fast_test', { history: 1 });
  publisher = new JsPublisher(nc, { ackTimeoutMs: 2_000 });
  renewals = new FastKv(publisher, 'owners_fast_test');
});
const claims = (me: string, clock?: () => number) => new OwnerClaims(kv, me, logger, FENCE_MS, clock);

describe.each([
  { renewedWith: 'the KV client', bucket: () => kv, writes: (): ClaimWrites | undefined => undefined },
  { renewedWith: 'FastKv', bucket: () => fastKv, writes: (): ClaimWrites | undefined => renewals },
])('OwnerClaims (real nats-server KV, renewed with $renewedWith)', ({ bucket, writes }) => {
  const claims = (me: string) => new OwnerClaims(bucket(), me, logger, FENCE_MS, undefined, undefined, writes());
  const ownerOf = async (key: string) => new TextDecoder().decode((await bucket().get(key))!.value);
  let kv: KV;
  beforeEach(() => { kv = bucket(); });

  it('renews with a write: the revision moves on', async () => {
    const a = claims('a');
    expect(await a.claim('acme.zero')).toBe(true);
    const before = (await kv.get('acme.zero'))!.revision;
    expect(await a.renew('acme.zero')).toBe('ours');
    expect(await a.renew('acme.zero')).toBe('ours');
    expect((await kv.get('acme.zero'))!.revision).toBeGreaterThan(before + 1);
  });

  it('lets exactly one of two instances claim an integration, even when both try at once', async () => {
    const a = claims('a');
    const b = claims('b');
    const results = await Promise.all([a.claim('acme.one'), b.claim('acme.one')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const owner = await ownerOf('acme.one');
    expect(results[owner === 'a' ? 0 : 1]).toBe(true);
  });

  it('renews its own claim, and a second claim by the owner is idempotent', async () => {
    const a = claims('a');
    expect(await a.claim('acme.two')).toBe(true);
    expect(await a.claim('acme.two')).toBe(true);
    expect(await a.renew('acme.two')).toBe('ours');
    expect(await claims('b').claim('acme.two')).toBe(false);
  });

  it('finds out at renewal that another instance took the claim, and does not overwrite it', async () => {
    const a = claims('a');
    expect(await a.claim('acme.three')).toBe(true);
    // a stalled past the max age: the claim lapsed and b took it
    await kv.purge('acme.three');
    expect(await claims('b').claim('acme.three')).toBe(true);
    expect(await a.renew('acme.three')).toBe('lost');
    expect(await ownerOf('acme.three')).toBe('b');
  });

  it('claims again at renewal when its claim lapsed and nobody took it', async () => {
    const a = claims('a');
    expect(await a.claim('acme.four')).toBe(true);
    await kv.purge('acme.four');
    expect(await a.renew('acme.four')).toBe('ours');
    expect(await ownerOf('acme.four')).toBe('a');
  });

  it('releases only a claim that is still its own', async () => {
    const a = claims('a');
    expect(await a.claim('acme.five')).toBe(true);
    await kv.purge('acme.five');
    expect(await claims('b').claim('acme.five')).toBe(true);
    await a.release('acme.five');
    expect(await ownerOf('acme.five')).toBe('b');
    const b = claims('b');
    expect(await b.claim('acme.five')).toBe(true);
    await b.release('acme.five');
    expect((await kv.get('acme.five'))?.operation).toBe('DEL');
    expect(await claims('c').claim('acme.five')).toBe(true);
  });
});

/** `kv` with another `update`, keeping every other method (and `this`) of the real bucket */
const withUpdate = (update: KV['update']): KV => Object.assign(Object.create(kv) as KV, { update });

describe('OwnerClaims fence times (injected monotonic clock)', () => {
  it('times the lease from when the write was SENT, so a slow answer never moves the fence later', async () => {
    let now = 1_000;
    const a = claims('a', () => now);
    expect(await a.claim('acme.six')).toBe(true);
    expect(a.fenceAt('acme.six')).toBe(1_000 + FENCE_MS);
    // renewals whose answer takes 3 s: the clock moves while the request is out
    const slow = withUpdate(async (...args) => { now += 3_000; return kv.update(...args); });
    const viaSlow = new OwnerClaims(slow, 'a', logger, FENCE_MS, () => now);
    now = 2_000;
    expect(await viaSlow.claim('acme.six')).toBe(true); // ours already: re-confirmed with a write
    expect(viaSlow.fenceAt('acme.six')).toBe(2_000 + FENCE_MS);
    expect(await viaSlow.renew('acme.six')).toBe('ours');
    expect(now).toBe(8_000);
    expect(viaSlow.fenceAt('acme.six')).toBe(5_000 + FENCE_MS);
  });

  it('is overdue once the fence time passes without a confirmed renewal; an unanswered renewal is not a loss', async () => {
    let now = 0;
    const a = claims('a', () => now);
    expect(await a.claim('acme.seven')).toBe(true);
    now = FENCE_MS - 1;
    expect(a.overdue(['acme.seven'])).toEqual([]);
    now = FENCE_MS;
    expect(a.overdue(['acme.seven'])).toEqual(['acme.seven']);
    expect(await a.renew('acme.seven')).toBe('ours');
    expect(a.overdue(['acme.seven'])).toEqual([]);
    // NATS does not answer: the owner keeps running until its fence time, then the fence closes it
    const cut = withUpdate(async () => { throw new Error('TIMEOUT'); });
    const b = new OwnerClaims(cut, 'a', logger, FENCE_MS, () => now);
    (b as unknown as { leases: Map<string, unknown> }).leases.set('acme.seven', { revision: 1, sentAt: now });
    now += 1_000;
    expect(await b.renew('acme.seven')).toBe('unknown');
    expect(b.fenceAt('acme.seven')).toBe(now - 1_000 + FENCE_MS);
  });
});

/**
 * The ordering, simulated: an owner renews every second over a link whose round trips take up to 6 s and
 * whose process pauses (GC) up to 3 s, against a server that stamps each write when it arrives and
 * lets anyone else create the key TTL after the last stamp. Whenever the claim lapses, the owner's fence
 * time came at least TTL - FENCE before it (time to close the sockets).
 */
describe('self-fencing against a simulated server (virtual time)', () => {
  const TTL = 6_000;
  it('closes the binds before any other instance could claim, whatever the delays and pauses', async () => {
    let now = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    let stamp = 0;
    let revision = 1;
    const server = {
      create: async () => { stamp = now; return revision; },
      update: async (_k: string, _v: Uint8Array, rev: number) => {
        const oneWay = random() < 0.2 ? random() * 3_000 : random() * 200;
        now += oneWay;
        // the write arrives: refused when the claim lapsed meanwhile (someone else may own it)
        const lapsed = now >= stamp + TTL;
        if (lapsed || rev !== revision) {
          now += oneWay;
          throw Object.assign(new Error('wrong last sequence'), { lapsed });
        }
        stamp = now;
        revision += 1;
        now += oneWay;
        return revision;
      },
      get: async () => null,
    } as unknown as KV;
    const owner = new OwnerClaims(server, 'a', logger, FENCE_MS, () => now);
    expect(await owner.claim('k')).toBe(true);
    let lapses = 0;
    for (let round = 0; round < 2_000; round++) {
      now += 1_000 + (random() < 0.1 ? random() * 3_000 : 0); // the renew interval, sometimes a GC pause
      const fenceAt = owner.fenceAt('k');
      const lapseAt = stamp + TTL;
      const outcome = await owner.renew('k').catch(() => 'lost' as const);
      if (outcome !== 'ours') {
        lapses++;
        expect(fenceAt).toBeDefined();
        expect(fenceAt!).toBeLessThanOrEqual(lapseAt - (TTL - FENCE_MS));
        expect(await owner.claim('k')).toBe(true); // start over
      } else {
        expect(owner.fenceAt('k')!).toBeLessThanOrEqual(stamp + FENCE_MS);
      }
    }
    expect(lapses).toBeGreaterThan(0); // the delays did make claims lapse: the assertion above ran
  });
});

describe('preferredInstance (rendezvous hashing)', () => {
  const keys = Array.from({ length: 600 }, (_, i) => `org.int${i}`);

  it('spreads integrations about evenly and is the same whatever the order of instances', () => {
    const counts = new Map<string, number>();
    for (const k of keys) {
      const p = preferredInstance(k, ['x', 'y', 'z'])!;
      expect(preferredInstance(k, ['z', 'x', 'y'])).toBe(p);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(n).toBeGreaterThan(150);
  });

  it('moves only the integrations of an instance that leaves', () => {
    const moved = keys.filter((k) => preferredInstance(k, ['x', 'y', 'z']) !== preferredInstance(k, ['x', 'y']));
    expect(moved.every((k) => preferredInstance(k, ['x', 'y', 'z']) === 'z')).toBe(true);
    expect(preferredInstance('org.int', [])).toBeUndefined();
  });
});
