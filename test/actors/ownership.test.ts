// Ownership (src/actors/ownership.ts): one lease per instance, claims written once under it, and a
// claim taken from another instance only after proving its lease gone. Real nats-server KV, then the
// fence timing with an injected clock, then the ordering against a simulated server in virtual time.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { OwnerClaims, PreferredInstances, preferredInstance } from '../../src/actors/ownership.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
const FENCE_MS = 4_000;
const LAPSE_MS = 1_500;
let claimsKv: KV;
let leasesKv: KV;
/** a lease bucket whose max age really runs out during a test */
let shortLeases: KV;
useNatsServer(async ({ nc }) => {
  const kvm = new Kvm(jetstream(nc));
  claimsKv = await kvm.create('claims_test', { history: 1 });
  leasesKv = await kvm.create('leases_test', { history: 1 });
  shortLeases = await kvm.create('leases_short_test', { history: 1, ttl: LAPSE_MS });
});
const dec = new TextDecoder();
const owners = (me: string, o: { leases?: KV; clock?: () => number } = {}) =>
  new OwnerClaims({ claims: claimsKv, leases: o.leases ?? leasesKv, me, logger, fenceMs: FENCE_MS, clock: o.clock });
const leased = async (me: string, leases?: KV) => {
  const o = owners(me, { leases });
  expect(await o.renewLease()).toBe('ours');
  return o;
};
const holderOf = async (key: string) => { const e = await claimsKv.get(key); return e?.operation === 'PUT' ? dec.decode(e.value) : undefined; };
const revisionOf = async (kv: KV, key: string) => (await kv.get(key))?.revision ?? 0;
/** `kv` with some methods replaced, keeping every other method (and `this`) of the real bucket */
const patched = (kv: KV, methods: Partial<KV>): KV => Object.assign(Object.create(kv) as KV, methods);

describe('OwnerClaims (real nats-server KV)', () => {
  it('renews one lease per instance with a write; its claims are not written again', async () => {
    const a = await leased('a1');
    for (const k of ['acme.r1', 'acme.r2', 'acme.r3']) expect(await a.claim(k)).toBe(true);
    const claimRevisions = await Promise.all(['acme.r1', 'acme.r2', 'acme.r3'].map((k) => revisionOf(claimsKv, k)));
    const lease = await revisionOf(leasesKv, 'a1');
    expect(await a.renewLease()).toBe('ours');
    expect(await a.renewLease()).toBe('ours');
    expect(await revisionOf(leasesKv, 'a1')).toBeGreaterThan(lease + 1);
    expect(await Promise.all(['acme.r1', 'acme.r2', 'acme.r3'].map((k) => revisionOf(claimsKv, k)))).toEqual(claimRevisions);
  });

  it('claims nothing without a lease', async () => {
    expect(await owners('nolease').claim('acme.n1')).toBe(false);
    expect(await holderOf('acme.n1')).toBeUndefined();
  });

  it('lets exactly one of two instances claim an integration, even when both try at once', async () => {
    const [a, b] = await Promise.all([leased('a2'), leased('b2')]);
    const results = await Promise.all([a.claim('acme.one'), b.claim('acme.one')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(results[(await holderOf('acme.one')) === 'a2' ? 0 : 1]).toBe(true);
  });

  it("a second claim by the owner writes nothing; a live instance's claim is not taken", async () => {
    const a = await leased('a3');
    expect(await a.claim('acme.two')).toBe(true);
    const revision = await revisionOf(claimsKv, 'acme.two');
    expect(await a.claim('acme.two')).toBe(true);
    expect(await revisionOf(claimsKv, 'acme.two')).toBe(revision);
    expect(await (await leased('b3')).claim('acme.two')).toBe(false);
    expect(await holderOf('acme.two')).toBe('a3');
  });

  it('takes every claim of an instance whose lease lapsed, proving it gone with one tombstone; the old owner finds out and takes nothing back', async () => {
    const a = await leased('a4', shortLeases);
    const taken = ['acme.t1', 'acme.t2', 'acme.t3', 'acme.t4', 'acme.t5'];
    for (const k of [...taken, 'acme.t6']) expect(await a.claim(k)).toBe(true);
    let tombstones = 0;
    const counted = patched(shortLeases, { put: async (...args: Parameters<KV['put']>) => { if (args[0] === 'a4') tombstones++; return shortLeases.put(...args); } });
    const b = await leased('b4', counted);
    // a's lease lives: b takes nothing
    expect(await b.claim('acme.t1')).toBe(false);
    // a stalls past the max age (b keeps renewing); then b takes the five at once
    const until = Date.now() + LAPSE_MS + 500;
    while (Date.now() < until) {
      expect(await b.renewLease()).toBe('ours');
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await shortLeases.get('a4')).toBeNull();
    expect(await Promise.all(taken.map((k) => b.claim(k)))).toEqual(taken.map(() => true));
    expect(dec.decode((await shortLeases.get('a4'))!.value)).toBe('gone');
    expect(tombstones).toBeLessThan(taken.length); // the five shared the proof (the claims' reads arrive together)
    for (const k of taken) expect(await holderOf(k)).toBe('b4');
    // a wakes up: lost, every claim dropped (the supervisor closes them); a new lease over the tombstone
    expect(await a.renewLease()).toBe('lost');
    expect(a.fenceAt('acme.t6')).toBeUndefined();
    expect(await a.renewLease()).toBe('ours');
    expect(await a.claim('acme.t1')).toBe(false); // b's now, and b is alive
    expect(await holderOf('acme.t1')).toBe('b4');
    // the claim nobody took is still a's in KV, but is written again before it counts (rule 1)
    const before = await revisionOf(claimsKv, 'acme.t6');
    expect(await a.claim('acme.t6')).toBe(true);
    expect(await revisionOf(claimsKv, 'acme.t6')).toBeGreaterThan(before);
  });

  it("does not take a live instance's claim on a stale read of its lease", async () => {
    const a = await leased('a5');
    expect(await a.claim('acme.s1')).toBe(true);
    // b's read of a's lease comes from a replica that lags (shows nothing): the tombstone's create is refused
    const stale = patched(leasesKv, { get: async (k: string) => (k === 'a5' ? null : leasesKv.get(k)) });
    expect(await (await leased('b5', stale)).claim('acme.s1')).toBe(false);
    expect(await holderOf('acme.s1')).toBe('a5');
    expect(await a.renewLease()).toBe('ours');
  });

  it('knows its own renewal whose answer was lost; a restarted process of the same instance takes the lease over, and the older does not fight it', async () => {
    let loseAnswer = false;
    const lossy = patched(leasesKv, {
      put: async (...args: Parameters<KV['put']>) => { const r = await leasesKv.put(...args); if (loseAnswer) throw new Error('TIMEOUT'); return r; },
    });
    const a = await leased('a6', lossy);
    expect(await a.claim('acme.l1')).toBe(true);
    // a renewal reaches the server, its answer does not; the next one's revision is refused, and the
    // lease found there is this process's own: written over, not lost
    loseAnswer = true;
    expect(await a.renewLease()).toBe('unknown');
    loseAnswer = false;
    expect(await a.renewLease()).toBe('ours');
    expect(a.fenceAt('acme.l1')).toBeDefined();
    // a new process of a6 (a restart): it takes the lease and writes the claim again; the old one loses
    const restarted = await leased('a6');
    const before = await revisionOf(claimsKv, 'acme.l1');
    expect(await restarted.claim('acme.l1')).toBe(true);
    expect(await revisionOf(claimsKv, 'acme.l1')).toBeGreaterThan(before);
    expect(await a.renewLease()).toBe('lost');
    // two live processes under one instance id (a misconfiguration): the older does not take it back
    expect(await a.renewLease()).toBe('unknown');
    expect(await a.claim('acme.l1')).toBe(false);
    expect(await restarted.renewLease()).toBe('ours');
    // once the newer one is gone, the older takes the lease again
    await restarted.releaseLease();
    expect(await a.renewLease()).toBe('ours');
  });

  it('releases only a claim that is still its own; a released lease lets others take at once', async () => {
    const a = await leased('a8');
    const b = await leased('b8');
    expect(await a.claim('acme.five')).toBe(true);
    expect(await a.claim('acme.six')).toBe(true);
    await a.release('acme.five');
    expect((await claimsKv.get('acme.five'))?.operation).toBe('DEL');
    expect(await b.claim('acme.five')).toBe(true);
    await a.release('acme.five'); // not held: nothing written
    expect(await holderOf('acme.five')).toBe('b8');
    await a.releaseLease();
    expect(await b.claim('acme.six')).toBe(true);
  });
});

describe('OwnerClaims fence times (injected monotonic clock)', () => {
  it('times the lease from when the write was SENT, so a slow answer never moves the fence later', async () => {
    let now = 1_000;
    const slow = patched(leasesKv, { put: async (...args: Parameters<KV['put']>) => { now += 3_000; return leasesKv.put(...args); } });
    const a = owners('f1', { leases: slow, clock: () => now });
    expect(await a.renewLease()).toBe('ours');
    expect(now).toBe(4_000);
    expect(await a.claim('acme.f1')).toBe(true);
    expect(a.fenceAt('acme.f1')).toBe(1_000 + FENCE_MS);
    now = 4_500;
    expect(await a.renewLease()).toBe('ours');
    expect(a.fenceAt('acme.f1')).toBe(4_500 + FENCE_MS);
    // the earliest over many keys, without listing them: one not held is due now, none is never
    expect(a.earliestFence(['acme.f1'])).toBe(4_500 + FENCE_MS);
    expect(a.earliestFence(new Map([['acme.f1', 1], ['acme.not-held', 2]]).keys())).toBe(-Infinity);
    expect(a.earliestFence([])).toBe(Infinity);
  });

  it('is overdue once the fence time passes without a confirmed renewal; an unanswered renewal is not a loss', async () => {
    let now = 0;
    let cut = false;
    const link = patched(leasesKv, { put: async (...args: Parameters<KV['put']>) => { if (cut) throw new Error('TIMEOUT'); return leasesKv.put(...args); } });
    const a = owners('f2', { leases: link, clock: () => now });
    expect(await a.renewLease()).toBe('ours');
    expect(await a.claim('acme.f2')).toBe(true);
    now = FENCE_MS - 1;
    expect(a.overdue(['acme.f2'])).toEqual([]);
    cut = true;
    expect(await a.renewLease()).toBe('unknown');
    now = FENCE_MS;
    expect(a.overdue(['acme.f2'])).toEqual(['acme.f2']);
    expect(await a.claim('acme.f3')).toBe(false); // no confirmed lease: no new claim
    cut = false;
    expect(await a.renewLease()).toBe('ours');
    expect(a.overdue(['acme.f2'])).toEqual([]);
  });
});

/**
 * The ordering, simulated: an owner renews its lease every second over a link whose round trips take up
 * to 6 s and whose process pauses (GC) up to 3 s, against a server that stamps each write when it
 * arrives and lets anyone else prove the lease gone TTL after the last stamp. Whenever the lease lapses,
 * the owner's fence time came at least TTL - FENCE before it (time to close the sockets).
 */
describe('self-fencing against a simulated server (virtual time)', () => {
  const TTL = 6_000;
  it('closes the binds before any other instance could take them, whatever the delays and pauses', async () => {
    let now = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    let stamp = 0;
    let revision = 0;
    let value: Uint8Array = new Uint8Array();
    const lapsed = () => revision > 0 && now >= stamp + TTL;
    const leases = {
      put: async (_k: string, v: Uint8Array, { previousSeq: rev }: { previousSeq: number }) => {
        const oneWay = random() < 0.2 ? random() * 3_000 : random() * 200;
        now += oneWay;
        // the write arrives: refused unless it follows the last revision, or creates after a lapse
        const last = lapsed() ? 0 : revision;
        if (rev !== last) {
          now += oneWay;
          throw new JetStreamApiError({ code: 400, err_code: 10071, description: 'wrong last sequence' });
        }
        stamp = now;
        revision += 1;
        value = v;
        now += oneWay;
        return revision;
      },
      get: async () => (lapsed() || revision === 0 ? null : { operation: 'PUT', value, revision }),
    } as unknown as KV;
    const claims = { get: async () => null, put: async () => 1 } as unknown as KV;
    const owner = new OwnerClaims({ claims, leases, me: 'a', logger, fenceMs: FENCE_MS, clock: () => now });
    expect(await owner.renewLease()).toBe('ours');
    expect(await owner.claim('k')).toBe(true);
    let lapses = 0;
    for (let round = 0; round < 2_000; round++) {
      now += 1_000 + (random() < 0.1 ? random() * 3_000 : 0); // the renew interval, sometimes a GC pause
      const fenceAt = owner.fenceAt('k');
      const lapseAt = stamp + TTL;
      const outcome = await owner.renewLease();
      if (outcome === 'lost' || lapseAt <= now) {
        if (fenceAt !== undefined) expect(fenceAt).toBeLessThanOrEqual(lapseAt - (TTL - FENCE_MS));
      }
      if (outcome === 'lost') {
        lapses++;
        expect(owner.fenceAt('k')).toBeUndefined();
        // start over at the next rounds: a new lease, then the claim written again under it
        do now += 1_000; while (!((await owner.renewLease()) === 'ours' && (await owner.claim('k'))));
      } else if (outcome === 'ours') {
        expect(owner.fenceAt('k')!).toBeLessThanOrEqual(stamp + FENCE_MS);
      }
    }
    expect(lapses).toBeGreaterThan(0); // the delays did make the lease lapse: the assertions above ran
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

  it('answers as preferredInstance from memory until the live instances change', () => {
    const p = new PreferredInstances();
    p.live = ['y', 'x', 'z'];
    for (const k of keys) expect(p.of(k)).toBe(preferredInstance(k, ['x', 'y', 'z']));
    p.live = ['z', 'y', 'x']; // the same set: answers kept
    expect(keys.map((k) => p.of(k))).toEqual(keys.map((k) => preferredInstance(k, ['x', 'y', 'z'])));
    p.live = ['x', 'y'];
    for (const k of keys) expect(p.of(k)).toBe(preferredInstance(k, ['x', 'y']));
    p.live = ['solo'];
    expect(p.of('org.int1')).toBe('solo');
  });
});
