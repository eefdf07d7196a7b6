// Engine core end to end: a real engine process, a real nats-server, a fake SMSC over real TLS.
// create → credentials → activate → 3 binds → events → active → SMSC drops everything → binds back →
// deactivate → unbinds → delete → config and ciphertext gone; restart restores an active integration;
// the password appears in no log line, API response, event or KV value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { startFakeSmsc, type FakeSmsc } from '../helpers/fake-smsc.js';
import { testCertificates } from '../helpers/tls-cert.js';
import { startEngine, eventually, removeDir, type EngineProcess } from '../helpers/engine-process.js';

const PASSWORD = 'Pw7$zq!x';
const SYSTEM_ID = 'acme_smpp';

describe('integration lifecycle (engine + nats-server + TLS fake SMSC)', () => {
  let nats: TestNatsServer;
  let smsc: FakeSmsc;
  let engine: EngineProcess;
  let nc: NatsConnection;
  let sub: Subscription;
  const events: { subject: string; data: any }[] = [];
  const responses: string[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    nats = await startNatsServer();
    const certs = testCertificates();
    smsc = await startFakeSmsc({ tls: { key: certs.key, cert: certs.cert }, credentials: { systemId: SYSTEM_ID, password: PASSWORD } });
    env = { NATS_URL: nats.url, BYO_EXTRA_PORTS: String(smsc.port) };
    engine = await startEngine(env);
    nc = await connect({ servers: nats.url });
    sub = nc.subscribe('byo.events.acme.>');
    void (async () => { for await (const m of sub) events.push({ subject: m.subject, data: m.json() }); })();
  }, 60_000);

  afterAll(async () => {
    await engine?.stop().catch(() => undefined);
    await nc?.close();
    await smsc?.close();
    await nats?.stop();
    if (engine) removeDir(engine.dataDir);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const r = await engine.api(method, path, body);
    responses.push(r.text);
    return r;
  };
  const seen = (type: string, pred: (e: any) => boolean = () => true) => events.some((e) => e.data.type === type && pred(e.data));

  let id = '';

  it('creates, configures credentials and activates: three TLS binds with the configured system_id, TON/NPI and bind type', async () => {
    const created = await call('POST', '/v1/orgs/acme/integrations', {
      name: 'Acme vendor', smscAddress: '127.0.0.1', smscPort: smsc.port, addressTon: 1, addressNpi: 1,
      tls: { ca: testCertificates().ca, servername: 'localhost' },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(created.body.state).toBe('inactive');
    expect((await call('PUT', `/v1/orgs/acme/integrations/${id}/credentials`, { systemId: SYSTEM_ID, password: PASSWORD })).status).toBe(200);
    expect((await call('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);

    await smsc.waitFor(() => smsc.binds.filter((b) => b.commandStatus === 0).length >= 3, { timeoutMs: 15_000, what: '3 binds' });
    for (const b of smsc.binds.slice(0, 3)) {
      expect(b).toMatchObject({ system_id: SYSTEM_ID, addr_ton: 1, addr_npi: 1, bindType: 'transceiver', interface_version: 0x34 });
    }
    const state = await eventually(async () => {
      const r = await call('GET', `/v1/orgs/acme/integrations/${id}/state`);
      return r.body?.state === 'active' && r.body.binds.filter((b: any) => b.state === 'bound').length === 3 ? r.body : undefined;
    }, { what: 'state active with 3 bound binds' });
    expect(state.binds).toHaveLength(3);
    const all = await call('GET', '/v1/state');
    expect(all.body.integrations.some((v: any) => v.id === id && v.state === 'active')).toBe(true);
  });

  it('publishes every transition as an operational event on byo.events.<org>.<integration>.>', async () => {
    await eventually(() => seen('integration.active') && events.filter((e) => e.data.type === 'bind.bound').length >= 3, { what: 'events' });
    expect(seen('integration.activating')).toBe(true);
    expect(seen('bind.connecting')).toBe(true);
    const ev = events.find((e) => e.data.type === 'integration.active')!;
    expect(ev.subject).toBe(`byo.events.acme.${id}.integration.active`);
    expect(ev.data).toMatchObject({ actor: { kind: 'integration' }, org: 'acme', integration: id, to: 'active' });
    expect(typeof ev.data.at).toBe('string');
    // every event seen so far is also stored in BYO_EVENTS, in the same order
    const seenSoFar = events.filter((e) => e.subject.startsWith(`byo.events.acme.${id}.`)).map((e) => e.subject);
    expect(seenSoFar.length).toBeGreaterThanOrEqual(5); // activating, connecting, 3 × bound, active
    const consumer = await jetstream(nc).consumers.get('BYO_EVENTS', { filter_subjects: `byo.events.acme.${id}.>`, deliver_policy: DeliverPolicy.All });
    const stored: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: seenSoFar.length, expires: 5_000 })) stored.push(m.subject);
    expect(stored).toEqual(seenSoFar);
  });

  it('keeps a bound bind\'s `since` through enquire_link cycles: the view says since when it is bound', async () => {
    // state and since only: `outstanding` may catch an enquire_link in flight
    const binds = async () => ((await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body.binds as { state: string; since: string }[])
      .map(({ state, since }) => ({ state, since }));
    const before = await binds();
    expect(before.map((b) => b.state)).toEqual(['bound', 'bound', 'bound']);
    // two enquire_link cycles per bind (BYO_ENQUIRE_LINK_INTERVAL_MS is 2 s here)
    const links = smsc.enquireLinksReceived;
    await smsc.waitFor(() => smsc.enquireLinksReceived >= links + 6, { timeoutMs: 15_000, what: 'enquire_links' });
    expect(await binds()).toEqual(before);
  });

  it("answers the SMSC's enquire_link, and pings a link the SMSC keeps alive only once the SMSC stops", async () => {
    // the SMSC pings every bind each 500 ms, well inside our 2 s interval, for 4 s
    const ours = smsc.enquireLinksReceived;
    let links = 0;
    for (let k = 0; k < 8; k++) {
      const answers = (await smsc.sendEnquireLinkToAll(2_000)).map((a) => (a.status === 'fulfilled' ? a.value.header.commandStatus : String(a.reason)));
      expect(answers.length).toBeGreaterThanOrEqual(3);
      expect(answers.every((status) => status === 0)).toBe(true);
      links = answers.length;
      await new Promise((r) => setTimeout(r, 500));
    }
    // at most the pings already due when the SMSC started (one per link)
    expect(smsc.enquireLinksReceived - ours).toBeLessThanOrEqual(links);
    const quiet = smsc.enquireLinksReceived;
    await smsc.waitFor(() => smsc.enquireLinksReceived >= quiet + links, { timeoutMs: 10_000, what: 'our enquire_links again' });
  });

  it('re-establishes the binds after the SMSC drops every connection', async () => {
    const before = smsc.binds.length;
    smsc.dropAll();
    await smsc.waitFor(() => smsc.binds.filter((b) => b.commandStatus === 0).length >= before + 3, { timeoutMs: 15_000, what: 'rebinds' });
    await eventually(async () => (await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active again' });
    expect(seen('bind.backoff')).toBe(true);
  });

  it('re-binds an active integration with the new settings after PATCH', async () => {
    const before = smsc.binds.length;
    const unbinds = smsc.unbindsReceived;
    const patched = await call('PATCH', `/v1/orgs/acme/integrations/${id}`, { addressTon: 2, addressNpi: 8 });
    expect(patched.status).toBe(200);
    await smsc.waitFor(() => smsc.binds.slice(before).filter((b) => b.commandStatus === 0 && b.addr_ton === 2 && b.addr_npi === 8).length >= 3,
      { timeoutMs: 15_000, what: '3 binds with the new TON/NPI' });
    expect(smsc.unbindsReceived).toBeGreaterThanOrEqual(unbinds + 3);
    await eventually(async () => (await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active after update' });
  });

  it('deactivates with an unbind per bind, and the state says inactive', async () => {
    const unbinds = smsc.unbindsReceived;
    expect((await call('POST', `/v1/orgs/acme/integrations/${id}/deactivate`)).status).toBe(200);
    await smsc.waitFor(() => smsc.unbindsReceived >= unbinds + 3, { timeoutMs: 10_000, what: '3 unbinds' });
    await eventually(async () => (await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'inactive', { what: 'inactive' });
    await eventually(() => smsc.connections === 0, { what: 'sockets closed' });
  });

  it('restores an active integration after an engine restart', async () => {
    expect((await call('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);
    await eventually(async () => (await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active' });
    const logsBefore = engine.logs();
    expect(await engine.stop()).toBe(0);
    const bindsBefore = smsc.binds.length;
    engine = await startEngine(env, { dataDir: engine.dataDir });
    await smsc.waitFor(() => smsc.binds.filter((b) => b.commandStatus === 0).length >= bindsBefore + 3, { timeoutMs: 15_000, what: 'binds after restart' });
    await eventually(async () => (await call('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active after restart' });
    expect(logsBefore).not.toContain(PASSWORD);
  });

  it('deletes: unbinds, erases config and ciphertext from KV', async () => {
    const unbinds = smsc.unbindsReceived;
    const del = await call('DELETE', `/v1/orgs/acme/integrations/${id}`);
    expect(del.status).toBe(204);
    expect(smsc.unbindsReceived).toBeGreaterThanOrEqual(unbinds + 3);
    expect((await call('GET', `/v1/orgs/acme/integrations/${id}`)).status).toBe(404);
    const jsm = await jetstreamManager(nc);
    const kvStream = await jsm.streams.info('KV_byo_integrations');
    for (let seq = kvStream.state.first_seq; seq <= kvStream.state.last_seq && kvStream.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage('KV_byo_integrations', { seq }).catch(() => undefined);
      if (m) expect(m.subject.endsWith(`acme.${id}`) && m.data.length > 0).toBe(false);
    }
    await eventually(() => seen('integration.deleted'), { what: 'deleted event' });
  });

  it('warns that a transmitter-only integration receives no delivery reports or inbound messages', async () => {
    const created = await call('POST', '/v1/orgs/acme/integrations', {
      name: 'tx only', smscAddress: '127.0.0.1', smscPort: smsc.port, bindType: 'transmitter',
      tls: { ca: testCertificates().ca, servername: 'localhost' }, credentials: { systemId: SYSTEM_ID, password: PASSWORD },
    });
    expect(created.status).toBe(201);
    await call('POST', `/v1/orgs/acme/integrations/${created.body.id}/activate`);
    await eventually(() => seen('integration.warning', (e) => e.integration === created.body.id && /delivery reports/.test(e.detail.message)), { what: 'warning event' });
    await smsc.waitFor(() => smsc.binds.filter((b) => b.bindType === 'transmitter').length >= 3, { timeoutMs: 10_000, what: 'transmitter binds' });
    expect((await call('DELETE', `/v1/orgs/acme/integrations/${created.body.id}`)).status).toBe(204);
  });

  it('never shows the password: not in a log line, an API response, an event, or KV', async () => {
    expect(engine.logs()).not.toContain(PASSWORD);
    expect(responses.join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    const jsm = await jetstreamManager(nc);
    for (const stream of ['KV_byo_integrations', 'KV_byo_state', 'BYO_EVENTS', 'KV_byo_leases', 'KV_byo_claims']) {
      const info = await jsm.streams.info(stream);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
        if (m) expect(new TextDecoder().decode(m.data)).not.toContain(PASSWORD);
      }
    }
  });
});
