// Real TLS against the fake SMSC with a throwaway CA: verification is on by default and must stay on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmppSession } from '../../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc } from '../../helpers/fake-smsc.js';
import { testCertificates } from '../../helpers/tls-cert.js';
import { secureContextFor } from '../../../src/adapters/smpp/connect.js';
import { BIND, openSession, sessionOptions, submitSm } from './session-harness.js';

let smsc: FakeSmsc;
const sessions: SmppSession[] = [];
beforeAll(async () => {
  const { key, cert } = testCertificates();
  smsc = await startFakeSmsc({ tls: { key, cert } });
});
afterAll(async () => {
  for (const s of sessions) s.close('test over');
  await smsc.close();
});

const tlsSession = (tls: { ca?: string; servername?: string; rejectUnauthorized: boolean }, host = '127.0.0.1') => {
  const s = openSession(sessionOptions(smsc.port, { host, tls: { enabled: true, ...tls } }));
  sessions.push(s.session);
  return s;
};

describe('TLS', () => {
  it('binds and submits when the CA is given', async () => {
    const s = tlsSession({ ca: testCertificates().ca, rejectUnauthorized: true });
    await s.next('smpp.connected');
    expect((await s.session.bind(BIND, 2_000)).command_status).toBe(0);
    expect((await s.session.submit(submitSm('over tls'), 2_000)).commandStatus).toBe(0);
  });

  it('verifies the name through SNI when connecting by host name', async () => {
    const s = tlsSession({ ca: testCertificates().ca, rejectUnauthorized: true }, 'localhost');
    await s.next('smpp.connected');
  });

  it('refuses a certificate it cannot verify, with a TLS reason, by default', async () => {
    const s = tlsSession({ rejectUnauthorized: true });
    const closed = await s.next('smpp.closed');
    expect(closed.reason).toMatch(/^TLS: (unable to verify the first certificate|self-signed certificate)/);
    expect(s.events.map((e) => e.type)).toEqual(['smpp.closed']);
  });

  it('refuses a certificate whose names do not match the servername', async () => {
    const s = tlsSession({ ca: testCertificates().ca, servername: 'smsc.example.com', rejectUnauthorized: true });
    expect((await s.next('smpp.closed')).reason).toMatch(/^TLS: .*(altnames|does not match)/i);
  });

  it('shares one SecureContext per CA and still verifies each connection against its own', async () => {
    const { ca } = testCertificates();
    expect(secureContextFor(ca)).toBe(secureContextFor(ca));
    expect(secureContextFor(undefined)).toBe(secureContextFor(undefined));
    expect(secureContextFor(undefined)).not.toBe(secureContextFor(ca));
    const trusted = tlsSession({ ca, rejectUnauthorized: true });
    await trusted.next('smpp.connected');
    // a bind without the CA after one with it: the system's roots do not know the test CA
    const untrusted = tlsSession({ rejectUnauthorized: true });
    expect((await untrusted.next('smpp.closed')).reason).toMatch(/^TLS: (unable to verify the first certificate|self-signed certificate)/);
  });

  it('connects to an unverifiable certificate only when rejectUnauthorized is false', async () => {
    const s = tlsSession({ rejectUnauthorized: false });
    await s.next('smpp.connected');
    expect((await s.session.bind(BIND, 2_000)).command_status).toBe(0);
  });
});
