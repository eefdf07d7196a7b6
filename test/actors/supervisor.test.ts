// Supervisor on a real nats-server KV. Its integration watch and its owner renewal both reconcile an
// integration; when both find no actor and both claim (a claim confirms one that is already ours), only
// one actor may start: a second would run untracked, with its own binds, forever. An integration another
// live instance runs (its snapshot lists it) costs no claim read at the renewals.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Supervisor } from '../../src/actors/supervisor.js';
import { preferredInstance } from '../../src/actors/ownership.js';
import { IntegrationEvents } from '../../src/actors/integration-events.js';
import { loadEngineConfig } from '../../src/config/engine-config.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';
import { useNatsServer } from '../helpers/nats-fixture.js';
import { eventually } from '../helpers/engine-process.js';
import { startFakeSmsc } from '../helpers/fake-smsc.js';
import { credentialsAad, sealCredentials } from '../../src/adapters/secrets.js';
import { submitSm } from '../adapters/smpp/session-harness.js';

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
    if (prop === 'put') {
      return async (...args: Parameters<KV['put']>) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return target.put(...args);
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
      store, claimsKv: slowClaims(owners, 300), leasesKv: owners, stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({}), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'solo',
      events,
    });
    await supervisor.start();
    try {
      await eventually(() => supervisor.actors.size === 1, { what: 'the actor started' });
      // both reconciles are over after a few more renewal rounds (each round's reconcile runs after them)
      const renewed = (await owners.get('solo'))!.revision;
      await eventually(async () => (await owners.get('solo'))!.revision > renewed + 3, { what: 'renewals after the claim' });
      expect(started).toEqual(['acme.i1']);
    } finally {
      await supervisor.stop(1_000);
    }
  });

  it('claims nothing while an older version may run integrations, and takes its own once that gate opens', async () => {
    const store = new MemoryIntegrationStore();
    const at = new Date().toISOString();
    await store.create({
      version: 1, org: 'acme', id: 'gated', config: { name: 'Vendor G', smscAddress: 'smsc.example.com' }, desired: 'inactive',
      configRevision: 1, createdAt: at, updatedAt: at,
    });
    let olderGone = false;
    const supervisor = new Supervisor({
      store, claimsKv: owners, leasesKv: owners, stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({}), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'gatekeeper',
      events: new IntegrationEvents(logger), mayClaimAny: () => olderGone,
    });
    await supervisor.start();
    try {
      const lease = (await owners.get('gatekeeper'))!.revision;
      await eventually(async () => (await owners.get('gatekeeper'))!.revision > lease + 5, { what: 'renewals' });
      expect(supervisor.actors.size).toBe(0);
      expect(await owners.get('acme.gated')).toBeNull();
      // no snapshot either: an older instance would count it live and hand it integrations it would not take
      expect(await stateKv.get('instance.gatekeeper')).toBeNull();
      olderGone = true;
      await eventually(() => supervisor.actors.size === 1, { what: 'the actor started once the gate opened' });
      await eventually(async () => (await stateKv.get('instance.gatekeeper'))?.operation === 'PUT', { what: 'its snapshot' });
      expect(new TextDecoder().decode((await owners.get('acme.gated'))!.value)).toBe('gatekeeper');
    } finally {
      await supervisor.stop(1_000);
    }
  });

  it('reads no claim of an integration another live instance lists in its snapshot; reads it when none lists it', async () => {
    const store = new MemoryIntegrationStore();
    const at = new Date().toISOString();
    // an id whose preferred instance is beta, so solo would only take it over after checking the claim
    const id = Array.from({ length: 50 }, (_, k) => `j${k}`).find((x) => preferredInstance(`acme.${x}`, ['beta', 'solo']) === 'beta')!;
    await store.create({
      version: 1, org: 'acme', id, config: { name: 'Vendor B', smscAddress: 'smsc.example.com' }, desired: 'inactive',
      configRevision: 1, createdAt: at, updatedAt: at,
    });
    await owners.put(`acme.${id}`, new TextEncoder().encode('beta'));
    const betaView = { org: 'acme', id, state: 'inactive', desired: 'inactive', since: at, binds: [], counters: {}, instance: 'beta' };
    await stateKv.put('instance.beta', JSON.stringify([betaView]));
    const reads: string[] = [];
    const counted = new Proxy(owners, {
      get(target, prop) {
        if (prop === 'get') return (k: string) => { reads.push(k); return target.get(k); };
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const supervisor = new Supervisor({
      store, claimsKv: counted, leasesKv: owners, stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({}), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'solo',
      events: new IntegrationEvents(logger),
    });
    await supervisor.start();
    try {
      // several renewals with beta live and running it: no read, no actor here
      const renewals = async (n: number) => {
        const seq = (await stateKv.get('instance.solo'))!.revision;
        await eventually(async () => (await stateKv.get('instance.solo'))!.revision >= seq + n, { what: `${n} renewals` });
      };
      await renewals(5);
      expect(reads.filter((k) => k === `acme.${id}`)).toEqual([]);
      expect(supervisor.actors.size).toBe(0);
      // beta no longer lists it (a hand-over under way): the claim is read again, and still beta's
      await stateKv.put('instance.beta', '[]');
      await eventually(() => reads.includes(`acme.${id}`), { what: 'a claim read' });
      await renewals(3);
      expect(supervisor.actors.size).toBe(0);
    } finally {
      await supervisor.stop(1_000);
      await owners.delete(`acme.${id}`);
      await stateKv.delete('instance.beta');
    }
  });

  it("writes each integration's view as it is now: the cached JSON follows every state and record change", async () => {
    const store = new MemoryIntegrationStore();
    const at = new Date().toISOString();
    // no credentials: every bind attempt fails, so the binds go through connecting, failed and back-off
    await store.create({
      version: 1, org: 'acme', id: 'v1', config: { name: 'Vendor V', smscAddress: 'smsc.example.com' }, desired: 'active',
      configRevision: 1, createdAt: at, updatedAt: at,
    });
    const supervisor = new Supervisor({
      store, claimsKv: owners, leasesKv: owners, stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({ BYO_BACKOFF_INITIAL_MS: '20', BYO_BACKOFF_MAX_MS: '50' }), schemas: integrationSchemas({ extraPorts: [], allowPlaintext: false }),
      masterKey: randomBytes(32), sink: () => undefined, logger, now: () => new Date(), instanceId: 'viewer',
      events: new IntegrationEvents(logger),
    });
    await supervisor.start();
    try {
      await eventually(() => supervisor.actors.size === 1, { what: 'the actor started' });
      const actor = supervisor.actors.get('acme.v1')!;
      const seen = new Set<string>();
      const check = () => {
        // the snapshot's list first: it must follow every change without asking the actor for its JSON
        expect(supervisor.snapshots.viewJsons()).toEqual([JSON.stringify(actor.view())]);
        expect(actor.viewJson()).toBe(JSON.stringify(actor.view()));
        seen.add(actor.view().binds.map((b) => b.state).join(','));
      };
      const sampler = setInterval(check, 2);
      try {
        await eventually(async () => seen.size >= 3 && actor.view().binds.some((b) => b.lastError), { what: 'binds through several states' });
        await store.update('acme', 'v1', (r) => ({ ...r, desired: 'inactive', updatedAt: new Date().toISOString() }));
        await eventually(async () => actor.view().desired === 'inactive', { what: 'desired inactive' });
        check();
        // and the snapshot in KV says so
        await eventually(async () => {
          const head = await stateKv.get('instance.viewer');
          return head?.operation === 'PUT' && (JSON.parse(new TextDecoder().decode(head.value)) as { desired: string }[])[0]?.desired === 'inactive';
        }, { what: 'the snapshot shows desired inactive' });
      } finally {
        clearInterval(sampler);
      }
      check();
    } finally {
      await supervisor.stop(1_000);
    }
  });

  it("lists a bound bind's window in use in the snapshot as submits go out and time out (no view asked for in between)", async () => {
    const smsc = await startFakeSmsc({ preset: 'noResponseOnSubmit' });
    const store = new MemoryIntegrationStore();
    const masterKey = randomBytes(32);
    const at = new Date().toISOString();
    await store.create({
      version: 1, org: 'acme', id: 'w1', desired: 'active', configRevision: 1, createdAt: at, updatedAt: at,
      config: { name: 'Vendor W', smscAddress: '127.0.0.1', smscPort: smsc.port, tls: false },
      credentials: sealCredentials(masterKey, { systemId: 'acme', password: 'secret' }, credentialsAad('acme', 'w1')),
    });
    const supervisor = new Supervisor({
      store, claimsKv: owners, leasesKv: owners, stateKv, ownerRenewMs: 50, ownerHandoffsPerRenew: 1, ownerFenceMs: 60_000,
      engine: loadEngineConfig({ BYO_BIND_STAGGER_MS: '10' }), schemas: integrationSchemas({ extraPorts: [smsc.port], allowPlaintext: true }),
      masterKey, sink: () => undefined, logger, now: () => new Date(), instanceId: 'windows', events: new IntegrationEvents(logger),
    });
    await supervisor.start();
    try {
      await eventually(() => supervisor.actors.get('acme.w1')?.sessions.every((x) => x !== undefined) ?? false, { what: 'three binds bound' });
      const session = supervisor.actors.get('acme.w1')!.sessions[0]!;
      const outstanding = () => (JSON.parse(supervisor.snapshots.viewJsons()[0]!) as { binds: { outstanding?: number }[] }).binds[0]!.outstanding;
      expect(outstanding()).toBe(0);
      const sent = session.submit(submitSm('held'), 300);
      expect(outstanding()).toBe(1);
      await expect(sent).rejects.toThrow('no submit_sm_resp');
      expect(outstanding()).toBe(0);
    } finally {
      await supervisor.stop(1_000);
      await smsc.close();
    }
  });
});
