// GET /v1/state's fleet view: our own integrations from our actors, the others' from fresh snapshots in
// KV `byo_state`, and every instance with a snapshot named, live or not. Ages are measured against the
// server's write time with an injected wall clock, so no test waits for a snapshot to grow old.
import { beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { fleetState, liveFleet, liveInstances } from '../../src/actors/fleet-view.js';
import { keys } from '../../src/adapters/nats/index.js';
import type { IntegrationStateView } from '../../src/domain/index.js';
import { useNatsServer } from '../helpers/nats-fixture.js';

let kvm: Kvm;
let state: KV;
let n = 0;
useNatsServer(({ nc }) => {
  kvm = new Kvm(jetstream(nc));
  return Promise.resolve();
});
beforeEach(async () => {
  state = await kvm.create(`fleet_view_${++n}`, { history: 1 });
});

const logger = pino({ level: 'silent' });
const view = (id: string, instance: string, st = 'active'): IntegrationStateView => ({
  org: 'acme', id, state: st, desired: 'active', since: '2026-12-01T00:00:00.000Z', binds: [], counters: {}, instance,
});
const FRESH_MS = 5_000;

/** writes an instance's snapshot and answers the server's write time (ms) */
async function snapshot(instance: string, views: IntegrationStateView[]): Promise<number> {
  await state.put(keys.instanceState(instance), JSON.stringify(views));
  return (await state.get(keys.instanceState(instance)))!.created.getTime();
}

describe('fleetState', () => {
  it('names an instance whose snapshot is older than the fresh window as not live, and leaves its integrations out', async () => {
    const at = await snapshot('beta', [view('b1', 'beta')]);
    const fresh = await fleetState(state, 'alpha', [view('a1', 'alpha')], FRESH_MS, logger, () => at + FRESH_MS - 1);
    expect(fresh).toEqual({
      instances: [{ id: 'alpha', live: true, snapshotAgeMs: 0 }, { id: 'beta', live: true, snapshotAgeMs: FRESH_MS - 1 }],
      integrations: [view('a1', 'alpha'), view('b1', 'beta')],
    });
    const stale = await fleetState(state, 'alpha', [view('a1', 'alpha')], FRESH_MS, logger, () => at + FRESH_MS);
    expect(stale).toEqual({
      instances: [{ id: 'alpha', live: true, snapshotAgeMs: 0 }, { id: 'beta', live: false, snapshotAgeMs: FRESH_MS }],
      integrations: [view('a1', 'alpha')],
    });
    expect(await liveInstances(state, 'alpha', FRESH_MS, () => at + FRESH_MS - 1)).toEqual(['alpha', 'beta']);
    expect(await liveInstances(state, 'alpha', FRESH_MS, () => at + FRESH_MS)).toEqual(['alpha']);
  });

  it('prefers our live actor, then the fresher snapshot, for an integration two instances list', async () => {
    const old = await snapshot('gamma', [view('x', 'gamma', 'unbinding'), view('y', 'gamma', 'unbinding')]);
    let newer = await snapshot('beta', [view('x', 'beta', 'binding'), view('y', 'beta', 'binding')]);
    // server timestamps have ms resolution here: rewrite until beta's is strictly the newer one
    while (newer <= old) newer = await snapshot('beta', [view('x', 'beta', 'binding'), view('y', 'beta', 'binding')]);
    const fleet = await fleetState(state, 'alpha', [view('y', 'alpha')], FRESH_MS, logger, () => newer + 10);
    expect(fleet.integrations).toEqual([view('y', 'alpha'), view('x', 'beta', 'binding')]);
    expect(fleet.instances.map((i) => `${i.id}:${i.live}`)).toEqual(['alpha:true', 'beta:true', 'gamma:true']);
  });

  it('does not list an instance that stopped cleanly (its snapshot deleted), nor our own snapshot as another instance', async () => {
    const at = await snapshot('beta', [view('b1', 'beta')]);
    await snapshot('alpha', [view('stale-own', 'alpha')]);
    await state.delete(keys.instanceState('beta'));
    const fleet = await fleetState(state, 'alpha', [], FRESH_MS, logger, () => at);
    expect(fleet).toEqual({ instances: [{ id: 'alpha', live: true, snapshotAgeMs: 0 }], integrations: [] });
  });

  it('tells a renewal who is live and what the live others run (our own snapshot and stale ones left out)', async () => {
    const at = await snapshot('beta', [view('b1', 'beta'), view('b2', 'beta')]);
    await snapshot('alpha', [view('a1', 'alpha')]);
    let gammaAt = await snapshot('gamma', [view('g1', 'gamma')]);
    while (gammaAt <= at) gammaAt = await snapshot('gamma', [view('g1', 'gamma')]);
    // beta's snapshot just too old, gamma's still fresh
    const fleet = await liveFleet(state, 'alpha', FRESH_MS, logger, () => at + FRESH_MS);
    expect(fleet.instances).toEqual(['alpha', 'gamma']);
    expect([...fleet.runningElsewhere]).toEqual([keys.integration('acme', 'g1')]);
    await state.put(keys.instanceState('gamma'), JSON.stringify([{ org: 1 }]));
    const unreadable = await liveFleet(state, 'alpha', FRESH_MS, logger, () => Date.now());
    expect(unreadable.instances).toEqual(['alpha', 'beta', 'gamma']);
    expect([...unreadable.runningElsewhere].sort()).toEqual([keys.integration('acme', 'b1'), keys.integration('acme', 'b2')]);
  });
});
