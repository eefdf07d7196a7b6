// Backpressure: `writable` turns false when the socket buffer passes its high-water mark, and
// smpp.window_open follows once the socket drains — no unbounded buffering behind a slow SMSC.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_HIGH_WATER_MARK, createSmppSession, type SmppSession } from '../../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc } from '../../helpers/fake-smsc.js';
import { BIND, openSession, sessionOptions, submitSm } from './session-harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('backpressure', () => {
  it('turns writable false over the socket high-water mark and reports window_open after drain', async () => {
    // an SMSC that accepts and stops reading: the kernel buffers fill, then the socket's
    const sockets: net.Socket[] = [];
    const server = net.createServer((sock) => {
      sock.pause();
      sockets.push(sock);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)), () => sockets.forEach((x) => x.destroy()));
    const s = openSession(sessionOptions((server.address() as net.AddressInfo).port, { windowSize: 1_000_000 }));
    cleanups.push(() => s.session.close('test over'));
    await s.next('smpp.connected');

    const sm = submitSm('', { short_message: Buffer.alloc(254, 0x41) });
    let submitted = 0;
    // fill until the socket itself holds more than the high-water mark (the kernel took what it could)
    for (let round = 0; round < 500; round++) {
      while (s.session.writable) {
        s.session.submit(sm, 30_000).catch(() => undefined);
        submitted++;
      }
      await new Promise((resolve) => setImmediate(resolve)); // let the batch reach the socket
      if (!s.session.writable) break;
    }
    expect(s.session.writable).toBe(false);
    expect(s.session.outstanding).toBe(submitted);
    const opensSoFar = s.events.filter((e) => e.type === 'smpp.window_open').length;
    for (let i = 0; i < opensSoFar; i++) await s.next('smpp.window_open'); // consume the earlier ones

    for (const x of sockets) x.resume(); // the SMSC reads again: 'drain' follows
    await s.next('smpp.window_open', 5_000);
    expect(s.events.filter((e) => e.type === 'smpp.window_open').length).toBeGreaterThan(opensSoFar);
    expect(s.session.writable).toBe(true);
    expect(submitted * 270).toBeGreaterThan(SOCKET_HIGH_WATER_MARK);
  });
});

describe('robustness', () => {
  it('keeps working when the event consumer throws', async () => {
    const f: FakeSmsc = await startFakeSmsc({ autoDlr: true });
    cleanups.push(() => f.close());
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const seen: string[] = [];
    let connected!: () => void;
    const up = new Promise<void>((resolve) => (connected = resolve));
    const session: SmppSession = createSmppSession(sessionOptions(f.port), (e) => {
      seen.push(e.type);
      if (e.type === 'smpp.connected') connected();
      throw new Error(`consumer bug on ${e.type}`);
    });
    cleanups.push(() => session.close('test over'));
    session.connect();
    await up;
    expect((await session.bind(BIND, 2_000)).command_status).toBe(0);
    expect((await session.submit(submitSm(), 2_000)).commandStatus).toBe(0);
    await f.waitFor(() => seen.includes('pdu.deliver_sm'), { what: 'the receipt reached the throwing consumer' });
    expect(await session.enquireLink(2_000)).toMatchObject({ command_status: 0 });
    await f.waitFor(() => warnings.length >= 2, { what: 'warnings for the consumer errors' });
    expect(warnings[0]).toContain('consumer bug on smpp.connected');
  });
});
