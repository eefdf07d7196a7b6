import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { OwnerClaims, preferredInstance } from '../../src/actors/ownership.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
let kv: KV;
useNatsServer(async ({ nc }) => {
  kv = await new Kvm(jetstream(nc)).create('owners_test', { history: 1 });
});
const ownerOf = async (key: string) => new TextDecoder().decode((await kv.get(key))!.value);

describe('OwnerClaims (real nats-server KV)', () => {
  it('lets exactly one of two instances claim an integration, even when both try at once', async () => {
    const a = new OwnerClaims(kv, 'a', logger);
    const b = new OwnerClaims(kv, 'b', logger);
    const results = await Promise.all([a.claim('acme.one'), b.claim('acme.one')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const owner = await ownerOf('acme.one');
    expect(results[owner === 'a' ? 0 : 1]).toBe(true);
  });

  it('renews its own claim, and a second claim by the owner is idempotent', async () => {
    const a = new OwnerClaims(kv, 'a', logger);
    expect(await a.claim('acme.two')).toBe(true);
    expect(await a.claim('acme.two')).toBe(true);
    expect(await a.renew('acme.two')).toBe(true);
    expect(await new OwnerClaims(kv, 'b', logger).claim('acme.two')).toBe(false);
  });

  it('finds out at renewal that another instance took the claim, and does not overwrite it', async () => {
    const a = new OwnerClaims(kv, 'a', logger);
    expect(await a.claim('acme.three')).toBe(true);
    // a stalled past the max age: the claim lapsed and b took it
    await kv.purge('acme.three');
    expect(await new OwnerClaims(kv, 'b', logger).claim('acme.three')).toBe(true);
    expect(await a.renew('acme.three')).toBe(false);
    expect(await ownerOf('acme.three')).toBe('b');
  });

  it('claims again at renewal when its claim lapsed and nobody took it', async () => {
    const a = new OwnerClaims(kv, 'a', logger);
    expect(await a.claim('acme.four')).toBe(true);
    await kv.purge('acme.four');
    expect(await a.renew('acme.four')).toBe(true);
    expect(await ownerOf('acme.four')).toBe('a');
  });

  it('releases only a claim that is still its own', async () => {
    const a = new OwnerClaims(kv, 'a', logger);
    expect(await a.claim('acme.five')).toBe(true);
    await kv.purge('acme.five');
    expect(await new OwnerClaims(kv, 'b', logger).claim('acme.five')).toBe(true);
    await a.release('acme.five');
    expect(await ownerOf('acme.five')).toBe('b');
    const b = new OwnerClaims(kv, 'b', logger);
    expect(await b.claim('acme.five')).toBe(true);
    await b.release('acme.five');
    expect((await kv.get('acme.five'))?.operation).toBe('DEL');
    expect(await new OwnerClaims(kv, 'c', logger).claim('acme.five')).toBe(true);
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
