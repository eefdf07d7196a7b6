// The simulator as users run it: accounts, the control port (MO, faults) and a self-signed TLS
// certificate, over real sockets with the engine's own SMPP session.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_STATUS, type SmppSession } from '../../src/adapters/smpp/index.js';
import { selfSignedCertificate, startControlServer, startSimulator, type ControlServer, type SmscSimulator } from '../../src/simulator/index.js';
import { BIND, openBound, openSession, sessionOptions, submitSm } from '../adapters/smpp/session-harness.js';

let smsc: SmscSimulator | undefined;
let control: ControlServer | undefined;
let session: SmppSession | undefined;
afterEach(async () => {
  session?.close('test over');
  await control?.close();
  await smsc?.close();
  smsc = control = session = undefined;
});

async function withControl(opts: Parameters<typeof startSimulator>[0] = {}) {
  smsc = await startSimulator(opts);
  control = await startControlServer(smsc);
  const call = async (route: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${control!.port}${route}`, {
      method: body === undefined ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, body: await res.json() as any };
  };
  return { smsc, call };
}

describe('accounts', () => {
  it('binds each configured account and refuses an unknown system_id or a wrong password', async () => {
    smsc = await startSimulator({ accounts: [{ systemId: 'acme', password: 'secret1' }, { systemId: 'globex', password: 'pw2' }] });
    const bindWith = async (systemId: string, password: string) => {
      const s = openSession(sessionOptions(smsc!.port));
      await s.next('smpp.connected');
      const status = (await s.session.bind({ ...BIND, systemId, password }, 2_000)).command_status;
      s.session.close('done');
      return status;
    };
    expect(await bindWith('acme', 'secret1')).toBe(COMMAND_STATUS.ESME_ROK);
    expect(await bindWith('globex', 'pw2')).toBe(COMMAND_STATUS.ESME_ROK);
    expect(await bindWith('globex', 'secret1')).toBe(COMMAND_STATUS.ESME_RINVPASWD);
    expect(await bindWith('initech', 'pw2')).toBe(COMMAND_STATUS.ESME_RINVSYSID);
  });
});

describe('control port', () => {
  it('injects a short MO as one deliver_sm', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    const answered = call('/mo', { from: '+447700900001', to: '+15550001001', text: 'STOP' });
    const { pdu } = await s.next('pdu.deliver_sm');
    s.session.respondDeliverSm(pdu, 0);
    expect(await answered).toEqual({ status: 200, body: { parts: 1, commandStatuses: [0] } });
    expect(pdu).toMatchObject({ sourceAddr: '447700900001', sourceAddrTon: 1, destinationAddr: '15550001001', esmClass: 0, dataCoding: 0 });
    expect(Buffer.from(pdu.shortMessage).toString('latin1')).toBe('STOP');
  });

  it('sends a long UCS2 MO as concatenated parts with one reference', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    const text = 'Bonjour 👋 '.repeat(12); // UCS2: over 70 characters
    const answered = call('/mo', { from: '+447700900001', to: '+15550001001', text });
    const parts = [];
    for (let i = 0; i < 2; i++) {
      const { pdu } = await s.next('pdu.deliver_sm');
      s.session.respondDeliverSm(pdu, 0);
      parts.push(pdu);
    }
    expect((await answered).body).toEqual({ parts: 2, commandStatuses: [0, 0] });
    for (const [i, p] of parts.entries()) {
      const udh = [...Buffer.from(p.shortMessage).subarray(0, 6)];
      expect(p).toMatchObject({ esmClass: 0x40, dataCoding: 0x08 });
      expect(udh).toEqual([5, 0, 3, udh[3], 2, i + 1]);
    }
    const joined = Buffer.concat(parts.map((p) => Buffer.from(p.shortMessage).subarray(6)));
    expect(joined.swap16().toString('utf16le')).toBe(text);
  });

  it('answers 409 with the reason when no receiver is bound, and 400 on a bad body', async () => {
    const { call } = await withControl();
    expect(await call('/mo', { from: '+447700900001', to: '+15550001001', text: 'hi' })).toMatchObject({ status: 409, body: { error: expect.stringContaining('no bound receiver') } });
    expect(await call('/mo', { from: '+447700900001' })).toMatchObject({ status: 400 });
    expect(await call('/faults/pause', { seconds: -1 })).toMatchObject({ status: 400 });
    expect(await call('/nope')).toMatchObject({ status: 404 });
  });

  it('drops every connection', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    expect(await call('/faults/drop', {})).toEqual({ status: 200, body: { dropped: 1 } });
    await s.next('smpp.closed');
  });

  it('stops answering for N seconds, then answers again', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    expect((await call('/faults/pause', { seconds: 60 })).body.faults.silentForMs).toBeGreaterThan(0);
    await expect(s.session.submit(submitSm('into the void'), 300)).rejects.toThrow();
    await call('/faults/pause', { seconds: 0 });
    expect((await s.session.submit(submitSm('heard again'), 2_000)).commandStatus).toBe(0);
  });

  it('answers ESME_RTHROTTLED to every submit for N seconds, then accepts again', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    expect((await call('/faults/throttle', { seconds: 60 })).body.faults.throttledForMs).toBeGreaterThan(0);
    expect((await s.session.submit(submitSm('too fast'), 2_000)).commandStatus).toBe(COMMAND_STATUS.ESME_RTHROTTLED);
    expect(await call('/faults/throttle', { seconds: 1, status: 'x' })).toMatchObject({ status: 400 });
    await call('/faults/throttle', { seconds: 0 });
    expect((await s.session.submit(submitSm('slower now'), 2_000)).commandStatus).toBe(0);
  });

  it('leaves submits unanswered for N seconds while still answering enquire_link', async () => {
    const { call } = await withControl();
    const s = await openBound(sessionOptions(smsc!.port));
    session = s.session;
    expect((await call('/faults/unanswered-submits', { seconds: 60 })).body.faults.submitsUnansweredForMs).toBeGreaterThan(0);
    await expect(s.session.submit(submitSm('into the void'), 300)).rejects.toThrow();
    expect(smsc!.submitCount).toBe(1);
    await expect(s.session.enquireLink(2_000)).resolves.toBeDefined();
    await call('/faults/unanswered-submits', { seconds: 0 });
    expect((await s.session.submit(submitSm('heard again'), 2_000)).commandStatus).toBe(0);
  });

  it('refuses binds until told to accept them again', async () => {
    const { call } = await withControl();
    expect((await call('/faults/refuse-binds', { refuse: true })).body.faults.refuseBindsStatus).toBe(COMMAND_STATUS.ESME_RBINDFAIL);
    const s = openSession(sessionOptions(smsc!.port));
    session = s.session;
    await s.next('smpp.connected');
    expect((await s.session.bind(BIND, 2_000)).command_status).toBe(COMMAND_STATUS.ESME_RBINDFAIL);
    await call('/faults/refuse-binds', { refuse: false });
    expect((await s.session.bind(BIND, 2_000)).command_status).toBe(COMMAND_STATUS.ESME_ROK);
  });

  it('listens on loopback only', async () => {
    smsc = await startSimulator();
    await expect(startControlServer(smsc, { host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});

describe('self-signed TLS', () => {
  it('serves TLS that a session trusting the certificate as its CA accepts, and one trusting nothing refuses', async () => {
    const { key, cert } = await selfSignedCertificate();
    smsc = await startSimulator({ tls: { key, cert } });
    const trusted = await openBound(sessionOptions(smsc.port, { tls: { enabled: true, ca: cert, rejectUnauthorized: true } }));
    session = trusted.session;
    expect((await trusted.session.submit(submitSm('over tls'), 2_000)).commandStatus).toBe(0);
    const untrusted = openSession(sessionOptions(smsc.port, { tls: { enabled: true, rejectUnauthorized: true } }));
    expect((await untrusted.next('smpp.closed')).reason).toMatch(/self[- ]signed|certificate/i);
    untrusted.session.close('done');
  });
});
