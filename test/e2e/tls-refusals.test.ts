// TLS refusals end to end: the engine refuses an SMSC whose certificate is expired, names another
// host, or is self-signed while no CA is configured. Each integration stays unbound with a reason an
// operator can act on, in a bind event on byo.events and in the state API; none ever sends a bind PDU
// (the password never leaves), and the engine keeps running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startFakeSmsc, type FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually, removeDir, startEngine, type EngineProcess } from '../helpers/engine-process.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { testCertificates } from '../helpers/tls-cert.js';
import { badCertificates } from '../helpers/tls-bad-certs.js';

describe('TLS refusals (engine + nats-server + fake SMSCs over TLS)', () => {
  let nats: TestNatsServer;
  let engine: EngineProcess;
  let nc: NatsConnection;
  const smscs: Record<'expired' | 'wrongHost' | 'selfSigned', FakeSmsc> = {} as never;
  const events: { subject: string; text: string }[] = [];

  beforeAll(async () => {
    const good = testCertificates();
    const bad = badCertificates();
    nats = await startNatsServer();
    smscs.expired = await startFakeSmsc({ tls: bad.expired });
    smscs.wrongHost = await startFakeSmsc({ tls: { key: good.key, cert: good.cert } });
    smscs.selfSigned = await startFakeSmsc({ tls: bad.selfSigned });
    engine = await startEngine({ NATS_URL: nats.url, BYO_EXTRA_PORTS: Object.values(smscs).map((s) => s.port).join(',') });
    nc = await connect({ servers: nats.url });
    const sub = nc.subscribe('byo.events.acme.>');
    void (async () => { for await (const m of sub) events.push({ subject: m.subject, text: m.string() }); })();
  }, 60_000);

  afterAll(async () => {
    await engine?.stop().catch(() => undefined);
    await nc?.close();
    for (const s of Object.values(smscs)) await s?.close();
    await nats?.stop();
    if (engine) removeDir(engine.dataDir);
  });

  it.each([
    ['an expired certificate', 'expired', { ca: 'good' }, /TLS: certificate has expired/],
    ['a certificate for another host name', 'wrongHost', { ca: 'good', servername: 'smsc.vendor.example' }, /TLS: Hostname\/IP does not match certificate's altnames/],
    ['a self-signed certificate without a configured CA', 'selfSigned', {}, /TLS: self[- ]signed certificate/],
  ] as const)('refuses %s with a clear bind reason', async (_name, which, tls, reason) => {
    const smsc = smscs[which];
    const created = await engine.api('POST', '/v1/orgs/acme/integrations', {
      name: `tls ${which}`, smscAddress: '127.0.0.1', smscPort: smsc.port,
      tls: { enabled: true, ...('ca' in tls ? { ca: testCertificates().ca } : {}), ...('servername' in tls ? { servername: tls.servername } : {}) },
      credentials: { systemId: 'acme', password: 'secret1' },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);

    const event = await eventually(() => events.find((e) => e.subject.startsWith(`byo.events.acme.${id}.`) && reason.test(e.text)), { what: `a bind event matching ${reason}` });
    expect(event.subject).toMatch(new RegExp(`^byo\\.events\\.acme\\.${id}\\.bind\\.`));
    const lastError = await eventually(async () => {
      const state = await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`);
      return (state.body?.binds as { lastError?: string }[] | undefined)?.find((b) => b.lastError && reason.test(b.lastError))?.lastError;
    }, { what: 'the reason in the state API' });
    expect(lastError).toMatch(reason);
    expect((await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body.state).not.toBe('active');
    expect(smsc.binds).toHaveLength(0);
    expect(event.text).not.toContain('secret1');
    expect(engine.child.exitCode).toBeNull();
  });
});
