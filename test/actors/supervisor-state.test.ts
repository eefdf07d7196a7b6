// The supervisor's cluster-wide view (GET /v1/state) reads the snapshots other instances keep in KV
// `byo_state`. They may come from another version of the engine, or be damaged: each is checked
// against the schema, and one that does not fit is left out with a warning instead of breaking the view.
import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { IntegrationEvents, Supervisor } from '../../src/actors/index.js';
import { loadEngineConfig, integrationSchemas } from '../../src/config/index.js';
import { keys } from '../../src/adapters/nats/index.js';
import type { IntegrationStateView } from '../../src/domain/index.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

let state: KV;
let owners: KV;
useNatsServer(async ({ nc }) => {
  const kvm = new Kvm(jetstream(nc));
  state = await kvm.create('state_test', { history: 1 });
  owners = await kvm.create('owners_test', { history: 1 });
});

const view = (id: string, instance: string): IntegrationStateView => ({
  org: 'acme', id, state: 'active', desired: 'active', since: '2026-12-01T00:00:00.000Z',
  binds: [{ index: 0, state: 'bound', since: '2026-12-01T00:00:00.000Z', outstanding: 2 }], counters: { submitted: 3 }, instance,
});

describe('Supervisor state view across instances', () => {
  it('shows the integrations of readable snapshots and leaves out, with a warning, one of an unknown shape', async () => {
    const logger = pino({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    const engine = loadEngineConfig({});
    const supervisor = new Supervisor({
      store: new MemoryIntegrationStore(), claimsKv: owners, leasesKv: owners, stateKv: state, ownerRenewMs: 1_000, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine, schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }), masterKey: Buffer.alloc(32),
      sink: () => undefined, logger, now: () => new Date(), instanceId: 'alpha', events: new IntegrationEvents(logger),
    });
    await state.put(keys.instanceState('beta'), JSON.stringify([view('one', 'beta')]));
    await state.put(keys.instanceState('gamma'), JSON.stringify([{ org: 'acme', id: 'two', state: 42 }]));
    await state.put(keys.instanceState('delta'), 'not json');

    const views = await supervisor.integrations();
    expect(views).toEqual([view('one', 'beta')]);
    expect(await supervisor.integration('acme', 'one')).toEqual(view('one', 'beta'));
    expect(await supervisor.integration('acme', 'two')).toBeUndefined();
    expect(warn.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
});
