// Supervisor on a real nats-server KV. Its integration watch and its owner renewal both reconcile an
// integration; when both find no actor and both claim (a claim confirms one that is already ours), only
// one actor may start: a second would run untracked, with its own binds, forever.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Supervisor } from '../../src/actors/supervisor.js';
import { IntegrationEvents } from '../../src/actors/integration-events.js';
import { loadEngineConfig } from '../../src/config/engine-config.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';
import { useNatsServer } from '../helpers/nats-fixture.js';
import { eventually } from '../helpers/engine-process.js';

const logger = pino({ level: 'silent' });
let owners: KV;
let stateKv: KV;
useNatsServer(async ({ nc }) => {
  const kvm = new Kvm(jetstream(nc));
  owners = await kvm.create('owners_supervisor_test', { history: 1 });
  stateKv = await kvm.create('state_supervisor_test', { history: 1 });
});

/** the owners bucket with claims that take a while: the watch's reconcile is still claiming when the renewal runs */
const slowClaims = (kv: KV, delayMs: number): KV => new Proxy(kv, {
  get(target, prop) {
    if (prop === 'create') {
      return async (k: string, v: Uint8Array) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return target.create(k, v);
      };
    }
    const v: unknown = Reflect.get(target, prop);
    return typeof v === 'function' ? v.bind(target) : v;
  },
});

describe('Supervisor', () => {
  it('starts one actor per integration when its watch and its renewal reconcile it at the same time', async () => {
    const store = new MemoryIntegrationStore();
    const at = new Date().toISOString();
    await store.create({
      version: 1, org: 'acme', id: 'i1', config: { name: 'Vendor A', smscAddress: 'smsc.example.com' }, desired: 'inactive',
      configRevision: 1, createdAt: at, updatedAt: at,
    });
    const started: string[] = [];
    const events = new IntegrationEvents(logger);
    events.on('started', (a) => { started.push(`${a.org}.${a.id}`); });
    const supervisor = new Supervisor({
      store, owners: slowClaims(owners, 300), stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({}), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'solo',
      events,
    });
    await supervisor.start();
    try {
      await eventually(() => supervisor.actors.size === 1, { what: 'the actor started' });
      // both reconciles are over once the claim has been renewed (each renewal round runs after them)
      const renewed = (await owners.get('acme.i1'))!.revision;
      await eventually(async () => (await owners.get('acme.i1'))!.revision > renewed, { what: 'a renewal after the claim' });
      expect(started).toEqual(['acme.i1']);
    } finally {
      await supervisor.stop(1_000);
    }
  });
});
