// NumberFleet on a real nats-server KV: an integration's numbers come from the fleet's watch, brought up
// to the bucket's last revision first, so a number written a moment ago through another connection is
// listed (read-your-writes across instances) without reading every number of every integration.
import { beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { NumberFleet } from '../../src/actors/number-fleet.js';
import { IntegrationEvents } from '../../src/actors/integration-events.js';
import type { IntegrationActor } from '../../src/actors/integration-actor.js';
import { createKvNumberStore } from '../../src/adapters/nats/number-store.js';
import { defaultKeywords, type NumberRecord, type NumberStore } from '../../src/domain/index.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

const logger = pino({ level: 'silent' });
const f = useNatsServer();
let kv: KV;
let store: NumberStore;
let n = 0;
beforeEach(async () => {
  kv = await new Kvm(jetstream(f.nc)).create(`numbers_fleet_${++n}`, { history: 1 });
  store = createKvNumberStore(kv, { logger });
});

const at = '2026-12-04T00:00:00.000Z';
const number = (e164: string, integration: string): NumberRecord => ({
  version: 1, e164, org: 'acme', integration, type: 'local', keywords: defaultKeywords(),
  state: 'provisioning', createdAt: at, updatedAt: at,
});

function fleet(events = new IntegrationEvents(logger)): NumberFleet {
  return new NumberFleet({ kv, store, sink: () => undefined, logger, now: () => new Date(at), events });
}

describe('NumberFleet.numbersOf', () => {
  it("lists the integration's numbers only, sorted, including one written through another connection just before", async () => {
    const numbers = fleet();
    await numbers.start();
    try {
      for (const [e164, integration] of [['+15550000003', 'i1'], ['+15550000001', 'i1'], ['+15550000002', 'i2']] as const) {
        expect(await store.claim(number(e164, integration))).toBe('claimed');
      }
      const other = await connect({ servers: f.server.url });
      try {
        const theirs = createKvNumberStore(await new Kvm(jetstream(other)).open(`numbers_fleet_${n}`), { logger });
        for (let k = 0; k < 20; k++) {
          const e164 = `+1555100${String(k).padStart(4, '0')}`;
          expect(await theirs.claim(number(e164, 'i1'))).toBe('claimed');
          // asked at once, through this connection: listed
          expect((await numbers.numbersOf('acme', 'i1', 2_000)).map((r) => r.e164)).toContain(e164);
        }
      } finally {
        await other.close();
      }
      const i1 = (await numbers.numbersOf('acme', 'i1', 2_000)).map((r) => r.e164);
      expect(i1.slice(0, 2)).toEqual(['+15550000001', '+15550000003']);
      expect(i1).toHaveLength(22);
      expect(i1).toEqual([...i1].sort());
      expect((await numbers.numbersOf('acme', 'i2', 2_000)).map((r) => r.e164)).toEqual(['+15550000002']);
      expect(await numbers.numbersOf('acme', 'nobody', 2_000)).toEqual([]);
    } finally {
      numbers.stop();
    }
  });

  it('lists every number (or an org\'s), sorted, caught up with a write through another connection', async () => {
    const numbers = fleet();
    await numbers.start();
    try {
      await store.claim(number('+15550000002', 'i2'));
      const other = await connect({ servers: f.server.url });
      try {
        const theirs = createKvNumberStore(await new Kvm(jetstream(other)).open(`numbers_fleet_${n}`), { logger });
        await theirs.claim(number('+15550000001', 'i1'));
      } finally {
        await other.close();
      }
      expect((await numbers.list(2_000)).map((r) => [r.e164, r.integration])).toEqual([['+15550000001', 'i1'], ['+15550000002', 'i2']]);
      await store.claim({ ...number('+15550000000', 'g1'), org: 'globex' });
      expect((await numbers.list(2_000, 'globex')).map((r) => r.e164)).toEqual(['+15550000000']);
      expect((await numbers.list(2_000, 'acme')).map((r) => r.e164)).toEqual(['+15550000001', '+15550000002']);
    } finally {
      numbers.stop();
    }
  });

  it('follows a number released and imported into another integration, and a deleted one', async () => {
    const numbers = fleet();
    await numbers.start();
    try {
      await store.claim(number('+15550000001', 'i1'));
      await store.claim(number('+15550000002', 'i1'));
      await store.release('+15550000001');
      await store.claim(number('+15550000001', 'i2'));
      expect((await numbers.numbersOf('acme', 'i1', 2_000)).map((r) => r.e164)).toEqual(['+15550000002']);
      expect((await numbers.numbersOf('acme', 'i2', 2_000)).map((r) => r.e164)).toEqual(['+15550000001']);
    } finally {
      numbers.stop();
    }
  });

  it('reads the bucket when its watch has not caught up within the wait (here: never started)', async () => {
    await store.claim(number('+15550000001', 'i1'));
    const numbers = fleet();
    const t0 = performance.now();
    expect((await numbers.numbersOf('acme', 'i1', 300)).map((r) => r.e164)).toEqual(['+15550000001']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('brings every number of an integration along when its state changes (several numbers, changed twice)', async () => {
    const events = new IntegrationEvents(logger);
    const numbers = fleet(events);
    await numbers.start();
    try {
      for (let k = 1; k <= 3; k++) await store.claim(number(`+1555000000${k}`, 'i1'));
      await numbers.numbersOf('acme', 'i1', 2_000);
      const actor = { org: 'acme', id: 'i1', active: false } as { org: string; id: string; active: boolean };
      await events.emit('started', actor as IntegrationActor);
      expect(numbers.isActiveSender('acme', 'i1', '+15550000001')).toBe(false);
      actor.active = true;
      await events.emit('changed', actor as IntegrationActor, 'state');
      await events.emit('changed', actor as IntegrationActor, 'state');
      for (let k = 1; k <= 3; k++) expect(numbers.isActiveSender('acme', 'i1', `+1555000000${k}`)).toBe(true);
    } finally {
      numbers.stop();
    }
  }, 10_000);

  it("starts the number actors of the integration that starts here, and no other's", async () => {
    const events = new IntegrationEvents(logger);
    const numbers = fleet(events);
    await numbers.start();
    try {
      await store.claim(number('+15550000001', 'i1'));
      await store.claim(number('+15550000002', 'i2'));
      await numbers.numbersOf('acme', 'i2', 2_000); // the watch has both
      await events.emit('started', { org: 'acme', id: 'i1', active: true } as IntegrationActor);
      expect(numbers.isActiveSender('acme', 'i1', '+15550000001')).toBe(true);
      expect(numbers.isActiveSender('acme', 'i2', '+15550000002')).toBe(false);
    } finally {
      numbers.stop();
    }
  });
});
