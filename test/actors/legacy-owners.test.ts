// While an older version renews claims in KV byo_owners, an instance of this version claims nothing;
// once they lapsed it removes that bucket. Real nats-server: the old claim lapses by the bucket's max age.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { LEGACY_OWNERS_STREAM, watchOlderInstances } from '../../src/actors/legacy-owners.js';
import { LEGACY_BUCKETS } from '../../src/adapters/nats/subjects.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
const nats = useNatsServer();

describe('watchOlderInstances', () => {
  it('is clear at once when no older version ever ran', async () => {
    const gate = watchOlderInstances(await jetstreamManager(nats.nc), logger, 50);
    await gate.looked;
    expect(gate.clear).toBe(true);
  });

  it('stays closed while an older instance renews a claim, and removes the old bucket once its claims lapsed', async () => {
    const jsm = await jetstreamManager(nats.nc);
    const old = await new Kvm(jetstream(nats.nc)).create(LEGACY_BUCKETS.owners, { history: 1, ttl: 1_000 });
    await old.put('acme.i1', 'old-instance');
    // the older instance keeps renewing for 1.5 s, then stops; its claim lapses 1 s later
    const renewing = setInterval(() => void old.put('acme.i1', 'old-instance'), 200);
    const stoppedAt = Date.now() + 1_500;
    setTimeout(() => clearInterval(renewing), 1_500);
    const gate = watchOlderInstances(jsm, logger, 50);
    await gate.looked;
    expect(gate.clear).toBe(false);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(gate.clear).toBe(false);
    await gate.cleared;
    expect(gate.clear).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(stoppedAt + 900);
    expect(await jsm.streams.info(LEGACY_OWNERS_STREAM).catch(() => 'gone')).toBe('gone');
  });

  it('stops without ever clearing', async () => {
    const jsm = await jetstreamManager(nats.nc);
    const old = await new Kvm(jetstream(nats.nc)).create(LEGACY_BUCKETS.owners, { history: 1, ttl: 60_000 });
    await old.put('acme.i2', 'old-instance');
    const gate = watchOlderInstances(jsm, logger, 50);
    gate.stop();
    await gate.cleared;
    expect(gate.clear).toBe(false);
    await jsm.streams.delete(LEGACY_OWNERS_STREAM);
  });
});
