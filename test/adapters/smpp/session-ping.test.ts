// The keep-alive's enquire_link (`SmppSession.ping`) over real TCP: settled by its resp, a generic_nack or
// the session's close, never by an expiry of its own (the keeper holds the deadline), and with no sweep
// timer, while a submit beside it still expires on time.
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSmppSession, GenericNackError, SessionClosedError, ResponseTimeoutError, type SmppError, type SmppSession,
} from '../../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc, type FakeSmscOptions } from '../../helpers/fake-smsc.js';
import { openBound, openSession, sessionOptions, submitSm } from './session-harness.js';

let smsc: FakeSmsc | undefined;
let raw: net.Server | undefined;
const sessions: SmppSession[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of sessions.splice(0)) s.close('test over');
  await smsc?.close();
  smsc = undefined;
  await new Promise<void>((r) => (raw ? raw.close(() => r()) : r()));
  raw = undefined;
});

async function bound(opts: FakeSmscOptions = {}) {
  smsc = await startFakeSmsc(opts);
  const s = await openBound(sessionOptions(smsc.port));
  sessions.push(s.session);
  return { f: smsc, s };
}

/** the ping's outcome: undefined until settled, then 'ok' or the error */
function ping(session: SmppSession): { outcome: () => 'ok' | SmppError | undefined; settled: Promise<'ok' | SmppError> } {
  let outcome: 'ok' | SmppError | undefined;
  const settled = new Promise<'ok' | SmppError>((resolve) => session.ping((err) => resolve(outcome = err ?? 'ok')));
  return { outcome: () => outcome, settled };
}

describe('SmppSession.ping', () => {
  it('is settled by the enquire_link_resp, without a timer of its own', async () => {
    const { f, s } = await bound();
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const setTimeout = vi.spyOn(globalThis, 'setTimeout');
    const p = ping(s.session);
    expect(s.session.outstanding).toBe(1);
    expect(setInterval).not.toHaveBeenCalled();
    expect(setTimeout).not.toHaveBeenCalled();
    expect(await p.settled).toBe('ok');
    expect(s.session.outstanding).toBe(0);
    expect(f.enquireLinksReceived).toBe(1);
  });

  it('stays outstanding while unanswered, never expires by itself, and fails when the session closes', async () => {
    const { s } = await bound({ answerEnquireLink: false });
    let closedFirst: boolean | undefined;
    const settled = new Promise<SmppError | undefined>((resolve) => s.session.ping((err) => {
      closedFirst = s.events.some((e) => e.type === 'smpp.closed');
      resolve(err);
    }));
    await new Promise((r) => globalThis.setTimeout(r, 300));
    expect(closedFirst).toBeUndefined();
    expect(s.session.outstanding).toBe(1);
    expect(s.session.windowInUse).toBe(0);
    s.session.close('done');
    expect(await settled).toBeInstanceOf(SessionClosedError);
    // the close (with its own reason) reaches the bind before the ping's failure, which then finds the keeper stopped
    expect(closedFirst).toBe(true);
  });

  it('leaves a submit beside it to expire on time', async () => {
    const { s } = await bound({ answerEnquireLink: false, preset: 'noResponseOnSubmit' });
    const p = ping(s.session);
    const started = Date.now();
    await expect(s.session.submit(submitSm('a'), 100)).rejects.toBeInstanceOf(ResponseTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(p.outcome()).toBeUndefined();
    expect(s.session.outstanding).toBe(1);
  });

  it('fails with the generic_nack an SMSC answers it with', async () => {
    raw = net.createServer((sock) => sock.on('data', (d: Buffer) => {
      const nack = Buffer.alloc(16);
      nack.writeUInt32BE(16, 0);
      nack.writeUInt32BE(0x80000000, 4);
      nack.writeUInt32BE(0x00000003, 8); // ESME_RINVCMDID
      nack.writeUInt32BE(d.readUInt32BE(12), 12);
      sock.write(nack);
    }));
    await new Promise<void>((r) => raw!.listen(0, '127.0.0.1', () => r()));
    const s = openSession(sessionOptions((raw.address() as net.AddressInfo).port));
    sessions.push(s.session);
    await s.next('smpp.connected');
    const outcome = await ping(s.session).settled;
    expect(outcome).toBeInstanceOf(GenericNackError);
    expect((outcome as SmppError).message).toContain('enquire_link');
    expect(s.session.outstanding).toBe(0);
  });

  it('fails at once on a session that is not open', async () => {
    const session = createSmppSession(sessionOptions(1), () => undefined);
    const errors: (SmppError | undefined)[] = [];
    session.ping((err) => errors.push(err));
    expect(errors).toEqual([expect.objectContaining({ code: 'NOT_CONNECTED' })]);
  });
});
