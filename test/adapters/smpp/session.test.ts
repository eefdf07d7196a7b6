// The session over real TCP against the fake SMSC: bind, submit, the SMSC's own requests, closing.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_STATUS, ResponseTimeoutError, SessionClosedError, WindowFullError, type SmppSession } from '../../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc, type FakeSmscOptions } from '../../helpers/fake-smsc.js';
import { BIND, openBound, openSession, sessionOptions, submitSm } from './session-harness.js';

let smsc: FakeSmsc | undefined;
const sessions: SmppSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.close('test over');
  await smsc?.close();
  smsc = undefined;
});

async function fake(opts: FakeSmscOptions = {}): Promise<FakeSmsc> {
  smsc = await startFakeSmsc(opts);
  return smsc;
}
const track = <T extends { session: SmppSession }>(s: T): T => {
  sessions.push(s.session);
  return s;
};

describe('bind', () => {
  it('binds as transceiver with interface_version 0x34, system_id, system_type and TON/NPI', async () => {
    const f = await fake({ preset: 'happy' });
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    const resp = await s.session.bind(BIND, 2_000);
    expect(resp).toMatchObject({ command: 'bind_transceiver_resp', command_status: 0, system_id: 'FAKESMSC' });
    expect(f.binds).toEqual([expect.objectContaining({
      bindType: 'transceiver', system_id: 'acme', password: 'secret1', system_type: 'byo',
      interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '',
    })]);
  });

  it.each(['transmitter', 'receiver'] as const)('binds as %s', async (bindType) => {
    const f = await fake();
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    const resp = await s.session.bind({ ...BIND, bindType }, 2_000);
    expect(resp.command).toBe(`bind_${bindType}_resp`);
    expect(f.binds[0]?.bindType).toBe(bindType);
  });

  it('resolves (not rejects) with status 0x0E on a wrong password', async () => {
    const f = await fake({ credentials: { systemId: 'acme', password: 'right' } });
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    const resp = await s.session.bind(BIND, 2_000);
    expect(resp.command_status).toBe(COMMAND_STATUS.ESME_RINVPASWD);
    expect(resp.command).toBe('bind_transceiver_resp');
  });

  it('resolves with ESME_RALYBND from an SMSC that still holds the bind', async () => {
    const f = await fake({ preset: 'alreadyBound' });
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    expect((await s.session.bind(BIND, 2_000)).command_status).toBe(COMMAND_STATUS.ESME_RALYBND);
  });

  it('rejects with ResponseTimeoutError when the SMSC never answers', async () => {
    const f = await fake({ preset: 'neverAnswers' });
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    await expect(s.session.bind(BIND, 150)).rejects.toBeInstanceOf(ResponseTimeoutError);
    expect(s.session.outstanding).toBe(0);
  });
});

describe('submit_sm', () => {
  it('submits raw octets and resolves with the message id', async () => {
    const f = await fake({ messageIdFormat: 'hex' });
    const s = track(await openBound(sessionOptions(f.port)));
    const ucs2 = Buffer.from([0x00, 0x48, 0xd8, 0x3d, 0xde, 0x00]);
    const resp = await s.session.submit(submitSm('', { short_message: ucs2, data_coding: 8 }), 2_000);
    expect(resp).toEqual({ commandStatus: 0, messageId: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(f.submits[0]).toMatchObject({ short_message: ucs2, data_coding: 8, registered_delivery: 1,
      source_addr: '15551230000', destination_addr: '15557650000', source_addr_ton: 1, dest_addr_npi: 1, messageId: resp.messageId });
  });

  it('resolves a throttled submit with status 0x58 and no message id (bare header)', async () => {
    const f = await fake({ throttle: { firstK: 1 } });
    const s = track(await openBound(sessionOptions(f.port)));
    const [a, b] = await Promise.all([s.session.submit(submitSm('a'), 2_000), s.session.submit(submitSm('b'), 2_000)]);
    expect(a).toEqual({ commandStatus: COMMAND_STATUS.ESME_RTHROTTLED, messageId: undefined });
    expect(b.commandStatus).toBe(0);
  });

  it('matches responses that arrive out of order', async () => {
    const f = await fake({ submitStatus: (_s, i) => i });
    const s = track(await openBound(sessionOptions(f.port)));
    const results = await Promise.all([0, 1, 2].map((i) => s.session.submit(submitSm(`m${i}`), 2_000)));
    expect(results.map((r) => r.commandStatus)).toEqual([0, 1, 2]);
  });

  it('refuses a submit beyond the window with WindowFullError and reports window_open when room returns', async () => {
    const f = await fake({ submitRespDelayMs: 100 });
    const s = track(await openBound(sessionOptions(f.port, { windowSize: 2 })));
    const first = [s.session.submit(submitSm('1'), 2_000), s.session.submit(submitSm('2'), 2_000)];
    expect(s.session.writable).toBe(false);
    await expect(s.session.submit(submitSm('3'), 2_000)).rejects.toBeInstanceOf(WindowFullError);
    await s.next('smpp.window_open');
    expect(s.session.writable).toBe(true);
    await Promise.all(first);
  });

  it('rejects each request after its own timeout', async () => {
    const f = await fake({ preset: 'noResponseOnSubmit' });
    const s = track(await openBound(sessionOptions(f.port)));
    const short = s.session.submit(submitSm('a'), 100);
    const long = s.session.submit(submitSm('b'), 5_000);
    await expect(short).rejects.toThrow('no submit_sm_resp within 100 ms');
    expect(s.session.outstanding).toBe(1);
    expect(s.session.windowInUse).toBe(1);
    // an enquire_link waits for its answer outside the window: outstanding, not window in use
    const link = s.session.enquireLink(5_000);
    expect(s.session.outstanding).toBe(2);
    expect(s.session.windowInUse).toBe(1);
    await link;
    s.session.close('done');
    await expect(long).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('counts a submit and its resp on the shared counter of window changes', async () => {
    const f = await fake();
    const changes = { changes: 0 };
    const s = track(await openBound(sessionOptions(f.port), BIND, changes));
    const sent = s.session.submit(submitSm('a'), 2_000);
    expect(changes.changes).toBe(1);
    expect((await sent).commandStatus).toBe(0);
    expect(changes.changes).toBe(2);
  });

  it('counts every change of its window in use on the shared counter, and nothing for an enquire_link', async () => {
    const f = await fake({ preset: 'noResponseOnSubmit' });
    const changes = { changes: 0 };
    const s = track(await openBound(sessionOptions(f.port), BIND, changes));
    await s.session.enquireLink(2_000);
    expect(changes.changes).toBe(0);
    const timedOut = s.session.submit(submitSm('a'), 100);
    expect(changes.changes).toBe(1);
    await expect(timedOut).rejects.toBeInstanceOf(ResponseTimeoutError);
    expect(changes.changes).toBe(2);
    const pending = s.session.submit(submitSm('b'), 5_000);
    expect(changes.changes).toBe(3);
    s.session.close('done');
    await expect(pending).rejects.toBeInstanceOf(SessionClosedError);
    expect(changes.changes).toBe(4);
    expect(s.session.windowInUse).toBe(0);
  });

  it('rejects pending submits with SessionClosedError when the SMSC drops the connection', async () => {
    const f = await fake({ dropAfterPdus: 3 }); // bind, submit 1, then drop on submit 2
    const s = track(await openBound(sessionOptions(f.port)));
    await s.session.submit(submitSm('1'), 2_000);
    const pending = s.session.submit(submitSm('2'), 2_000);
    await expect(pending).rejects.toBeInstanceOf(SessionClosedError);
    expect((await s.next('smpp.closed')).reason).toMatch(/closed|reset/i);
    await expect(s.session.submit(submitSm('3'), 2_000)).rejects.toBeInstanceOf(SessionClosedError);
  });
});

describe('requests from the SMSC', () => {
  it('answers the SMSC enquire_link and reports it', async () => {
    const f = await fake();
    const s = track(await openBound(sessionOptions(f.port)));
    const [result] = await f.sendEnquireLinkToAll(2_000);
    expect(result).toMatchObject({ status: 'fulfilled', value: { header: { commandId: 0x80000015, commandStatus: 0 } } });
    await s.next('pdu.enquire_link');
  });

  it('answers enquire_link itself and keeps its own enquire_link working', async () => {
    const f = await fake();
    const s = track(await openBound(sessionOptions(f.port)));
    expect((await s.session.enquireLink(2_000)).command).toBe('enquire_link_resp');
    expect(f.enquireLinksReceived).toBe(1);
  });

  it('answers the SMSC unbind with unbind_resp, reports it, then closes', async () => {
    const f = await fake({ preset: 'sendsUnbind' });
    const s = track(openSession(sessionOptions(f.port)));
    await s.next('smpp.connected');
    await s.session.bind(BIND, 2_000);
    await s.next('pdu.unbind');
    expect((await s.next('smpp.closed')).reason).toBe('unbind from the SMSC');
    await f.waitFor(() => f.connections === 0, { what: 'connection closed' });
  });

  it('unbinds on request and reports smpp.closed exactly once on close', async () => {
    const f = await fake();
    const s = track(await openBound(sessionOptions(f.port)));
    expect((await s.session.unbind(2_000)).command).toBe('unbind_resp');
    s.session.close('unbound');
    s.session.close('again');
    await s.next('smpp.closed');
    await f.waitFor(() => f.connections === 0);
    expect(s.events.filter((e) => e.type === 'smpp.closed')).toEqual([{ type: 'smpp.closed', reason: 'unbound' }]);
    expect(f.unbindsReceived).toBe(1);
  });
});

describe('connect', () => {
  it('reports a refused connection with the address', async () => {
    const f = await fake();
    const port = f.port;
    await f.close();
    smsc = undefined;
    const s = track(openSession(sessionOptions(port)));
    expect((await s.next('smpp.closed')).reason).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('reports a connect timeout when the TLS handshake never completes', async () => {
    // a plain TCP listener that accepts and says nothing: TCP is up, the handshake never finishes
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const s = track(openSession(sessionOptions(port, { connectTimeoutMs: 100, tls: { enabled: true, rejectUnauthorized: true } })));
      expect((await s.next('smpp.closed')).reason).toBe('connect timeout after 100 ms');
      expect(s.events.map((e) => e.type)).toEqual(['smpp.closed']);
    } finally {
      silent.close();
    }
  });

  it('reports options Node refuses outright (a port out of range) as smpp.closed, after connect() returns', async () => {
    const s = track(openSession(sessionOptions(70_000)));
    expect(s.events).toEqual([]);
    expect((await s.next('smpp.closed')).reason).toMatch(/port/i);
  });

  it('refuses requests before connecting and after closing', async () => {
    const f = await fake();
    const s = track(openSession(sessionOptions(f.port)));
    await expect(s.session.enquireLink(100)).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    await s.next('smpp.connected');
    s.session.close('bye');
    await expect(s.session.bind(BIND, 100)).rejects.toBeInstanceOf(SessionClosedError);
  });
});
