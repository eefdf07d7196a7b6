// An instance of this version waits for older ones (claims renewed in KV byo_owners) to stop before it
// claims anything, then removes their bucket. Real nats-server: the old claim lapses by the bucket's max age.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { LEGACY_OWNERS_STREAM, waitForOlderInstances } from '../../src/actors/legacy-owners.js';
import { LEGACY_BUCKETS } from '../../src/adapters/nats/subjects.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
const nats = useNatsServer();

describe('waitForOlderInstances', () => {
  it('returns at once when no older version ever ran', async () => {
    const started = Date.now();
    await waitForOlderInstances(await jetstreamManager(nats.nc), logger, 50);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('waits while an older instance renews a claim, and removes the old bucket once its claims lapsed', async () => {
    const jsm = await jetstreamManager(nats.nc);
    const old = await new Kvm(jetstream(nats.nc)).create(LEGACY_BUCKETS.owners, { history: 1, ttl: 1_000 });
    await old.put('acme.i1', 'old-instance');
    // the older instance keeps renewing for 1.5 s, then stops; its claim lapses 1 s later
    const renewing = setInterval(() => void old.put('acme.i1', 'old-instance'), 200);
    const stoppedAt = Date.now() + 1_500;
    setTimeout(() => clearInterval(renewing), 1_500);
    await waitForOlderInstances(jsm, logger, 50);
    expect(Date.now()).toBeGreaterThanOrEqual(stoppedAt + 900);
    expect(await jsm.streams.info(LEGACY_OWNERS_STREAM).catch(() => 'gone')).toBe('gone');
  });
});
