// An instance's state snapshot in KV `byo_state` when it outgrows one NATS message. The server here
// is started with a 16 KB max_payload, so ~40 views (not 2,400) are too many for one value: the test
// first shows that a single write of them is refused, then that the split snapshot is written, read
// whole by the fleet view, shrunk and removed. A supervisor whose snapshot cannot be written still
// renews its claims (it used to fence every integration it ran).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { chunkViews, InstanceSnapshotWriter } from '../../src/actors/instance-snapshot.js';
import { fleetState, liveFleet } from '../../src/actors/fleet-view.js';
import { Supervisor } from '../../src/actors/supervisor.js';
import { IntegrationEvents } from '../../src/actors/integration-events.js';
import { keys } from '../../src/adapters/nats/index.js';
import { loadEngineConfig } from '../../src/config/engine-config.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import type { IntegrationStateView } from '../../src/domain/index.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { eventually } from '../helpers/engine-process.js';

const MAX_PAYLOAD = 16_384;
const logger = pino({ level: 'silent' });
let server: TestNatsServer;
let nc: NatsConnection;
let configDir: string;
let kvm: Kvm;
let state: KV;
let n = 0;

beforeAll(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'byo-snapshot-'));
  await writeFile(join(configDir, 'small.conf'), `max_payload: ${MAX_PAYLOAD}\n`);
  server = await startNatsServer({ extraArgs: ['-c', join(configDir, 'small.conf')] });
  nc = await connect({ servers: server.url, timeout: 5_000 });
  kvm = new Kvm(jetstream(nc));
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
  await rm(configDir, { recursive: true, force: true });
});
beforeEach(async () => {
  state = await kvm.create(`snapshot_${++n}`, { history: 1 });
});

const view = (k: number, instance: string): IntegrationStateView => ({
  org: 'acme', id: `integration-${String(k).padStart(5, '0')}`, state: 'active', desired: 'active', since: '2026-12-04T15:10:05.790Z',
  binds: [0, 1, 2].map((index) => ({ index, state: 'bound', since: '2026-12-04T15:10:05.493Z', outstanding: 0 })),
  counters: { boundBinds: 3 }, instance,
});
const views = (count: number, instance: string) => Array.from({ length: count }, (_, k) => view(k, instance));
const json = (vs: IntegrationStateView[]) => vs.map((v) => JSON.stringify(v));
const text = (v: Uint8Array) => new TextDecoder().decode(v);

describe('chunkViews', () => {
  it('keeps every view, in order, in JSON arrays of at most the bound (one array when they fit)', () => {
    const all = views(100, 'beta');
    expect(chunkViews(json(all), 1_000_000)).toEqual([JSON.stringify(all)]);
    const chunks = chunkViews(json(all), 4_000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4_000);
    expect(chunks.flatMap((c) => JSON.parse(c) as IntegrationStateView[])).toEqual(all);
    expect(chunkViews([], 4_000)).toEqual(['[]']);
  });
});

describe('InstanceSnapshotWriter', () => {
  it('splits a snapshot larger than max_payload, which one value cannot hold, and the fleet view reads it whole', async () => {
    const beta = views(200, 'beta');
    // the old single write: refused by the server
    await expect(state.put(keys.instanceState('beta'), JSON.stringify(beta))).rejects.toThrow(/payload/i);
    const writer = new InstanceSnapshotWriter(state, 'beta', MAX_PAYLOAD / 2);
    await writer.write(json(beta));
    const head = JSON.parse(text((await state.get(keys.instanceState('beta')))!.value)) as { views: unknown[]; parts: number };
    expect(head.parts).toBeGreaterThan(3);
    const fleet = await fleetState(state, 'alpha', [{ ...view(1, 'alpha'), id: 'mine' }], 60_000, logger);
    expect(fleet.instances.map((i) => [i.id, i.live])).toEqual([['alpha', true], ['beta', true]]);
    expect(fleet.integrations.filter((v) => v.instance === 'beta')).toEqual(beta);
    const live = await liveFleet(state, 'alpha', 60_000, logger);
    expect(live.instances).toEqual(['alpha', 'beta']);
    expect(live.runningElsewhere.size).toBe(200);
    // the parts are not taken for instances of their own
    expect((await fleetState(state, 'alpha', [], 60_000, logger)).instances).toHaveLength(2);
  });

  it('writes a snapshot that fits as the plain array earlier versions read, deleting the parts of a larger one', async () => {
    const writer = new InstanceSnapshotWriter(state, 'beta', MAX_PAYLOAD / 2);
    await writer.write(json(views(200, 'beta')));
    const parts = (JSON.parse(text((await state.get(keys.instanceState('beta')))!.value)) as { parts: number }).parts;
    await writer.write(json(views(3, 'beta')));
    expect(JSON.parse(text((await state.get(keys.instanceState('beta')))!.value))).toEqual(views(3, 'beta'));
    for (let k = 1; k <= parts; k++) expect((await state.get(keys.instanceStatePart('beta', k)))?.operation).not.toBe('PUT');
    expect((await fleetState(state, 'alpha', [], 60_000, logger)).integrations).toEqual(views(3, 'beta'));
    await writer.write(json(views(200, 'beta')));
    await writer.remove();
    expect((await fleetState(state, 'alpha', [], 60_000, logger)).instances.map((i) => i.id)).toEqual(['alpha']);
    for (let k = 0; k <= parts; k++) {
      const key = k === 0 ? keys.instanceState('beta') : keys.instanceStatePart('beta', k);
      expect((await state.get(key))?.operation).not.toBe('PUT');
    }
  });

  it('writes the small head every time, but a part only when it changed or nears the max age', async () => {
    let now = 0;
    const refreshMs = 20_000;
    const writer = new InstanceSnapshotWriter(state, 'beta', MAX_PAYLOAD / 2, () => now, refreshMs);
    const beta = views(200, 'beta');
    await writer.write(json(beta));
    const head = () => state.get(keys.instanceState('beta'));
    const headText = text((await head())!.value);
    const parts = (JSON.parse(headText) as { views: unknown[]; parts: number }).parts;
    expect(JSON.parse(headText)).toEqual({ views: [], parts });
    const revisions = async () => Promise.all(Array.from({ length: parts }, async (_, k) => (await state.get(keys.instanceStatePart('beta', k + 1)))!.revision));
    const before = await revisions();
    const headBefore = (await head())!.revision;
    now = 1_000;
    await writer.write(json(beta));
    expect((await head())!.revision).toBeGreaterThan(headBefore); // liveness: the head is always written
    expect(await revisions()).toEqual(before); // nothing changed: no part written
    // one integration in the last part changes state: only that part is written
    const changed = beta.map((v, k) => (k === beta.length - 1 ? { ...v, state: 'degraded' } : v));
    now = 2_000;
    await writer.write(json(changed));
    const after = await revisions();
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(after.at(-1)).toBeGreaterThan(before.at(-1)!);
    expect((await fleetState(state, 'alpha', [], 60_000, logger)).integrations).toEqual(changed);
    // unchanged for the refresh interval: every part is written again, so none lapses with the bucket's max age
    now = 1_000 + refreshMs;
    await writer.write(json(changed));
    const refreshed = await revisions();
    for (let k = 0; k < parts - 1; k++) expect(refreshed[k]).toBeGreaterThan(after[k]!);
    expect(refreshed.at(-1)).toBe(after.at(-1)); // written at 2 000: not due yet
  });

  it('leaves a missing part out of a read and keeps the rest', async () => {
    const writer = new InstanceSnapshotWriter(state, 'beta', MAX_PAYLOAD / 2);
    await writer.write(json(views(200, 'beta')));
    await state.delete(keys.instanceStatePart('beta', 2));
    const got = (await fleetState(state, 'alpha', [], 60_000, logger)).integrations;
    expect(got.length).toBeGreaterThan(100);
    expect(got.length).toBeLessThan(200);
    expect(got[0]).toEqual(view(0, 'beta'));
  });
});

describe('Supervisor', () => {
  it('renews its lease while its snapshot cannot be written, so its integrations are not fenced', async () => {
    const owners = await kvm.create(`owners_${n}`, { history: 1 });
    const store = new MemoryIntegrationStore();
    const at = new Date().toISOString();
    await store.create({
      version: 1, org: 'acme', id: 'i1', config: { name: 'Vendor A', smscAddress: 'smsc.example.com' }, desired: 'inactive',
      configRevision: 1, createdAt: at, updatedAt: at,
    });
    let refuse = false;
    const failing = new Proxy(state, {
      get(target, prop) {
        if (prop === 'put') {
          return (k: string, v: Uint8Array) => (refuse ? Promise.reject(new Error('maximum payload exceeded')) : target.put(k, v));
        }
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const supervisor = new Supervisor({
      store, claimsKv: owners, leasesKv: owners, stateKv: failing, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 600,
      engine: loadEngineConfig({}), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'solo',
      events: new IntegrationEvents(logger),
    });
    await supervisor.start();
    try {
      await eventually(() => supervisor.actors.size === 1, { what: 'the actor started' });
      refuse = true;
      const before = (await owners.get('solo'))!.revision;
      const claimed = (await owners.get('acme.i1'))!.revision;
      // more than two fence times with every snapshot write refused
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await owners.get('solo'))!.revision).toBeGreaterThan(before + 10);
      expect((await owners.get('acme.i1'))!.revision).toBe(claimed);
      expect(supervisor.actors.size).toBe(1);
    } finally {
      refuse = false;
      await supervisor.stop(1_000);
    }
  });
});
