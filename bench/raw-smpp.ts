// The baseline: the raw `smpp` 0.5.1 client pushing the same messages with the same window as the
// engine (`window` submit_sm outstanding per session, `sessions` sessions like an integration's three
// binds), against the same kind of fake SMSC. No NATS, no tracking, no statuses: the ceiling of one
// process driving SMPP through that package on this machine.
import { createRequire } from 'node:module';
import type net from 'node:net';
import { BENCH_TEXT, destinationOf } from './mt-load.js';

interface RawPdu { command_status: number; message_id?: string; receipted_message_id?: string; response(): RawPdu }
interface RawSession {
  socket: net.Socket;
  send(pdu: RawPdu): void;
  bind_transceiver(fields: Record<string, unknown>, cb: (pdu: RawPdu) => void): void;
  submit_sm(fields: Record<string, unknown>, cb: (pdu: RawPdu) => void): void;
  unbind(fields: Record<string, unknown>, cb: () => void): void;
  close(): void;
  on(event: 'error' | 'close', listener: (err?: Error) => void): void;
  on(event: 'deliver_sm', listener: (pdu: RawPdu) => void): void;
}
interface RawSmpp { connect(options: { url: string } & Record<string, unknown>, onConnect?: () => void): RawSession }

const require = createRequire(import.meta.url);
const smpp = require('smpp') as RawSmpp;

export interface RawOptions {
  port: number;
  sessions: number;
  window: number;
  count: number;
  /** hand the package a pre-encoded Buffer instead of text (skips its ~27 µs GSM encoder) */
  preEncoded: boolean;
  timeoutMs: number;
  /** TLS sessions verifying the SMSC's certificate against `ca` */
  tls?: { ca: string; servername: string };
  /** the SMSC sends a receipt per message: a message is done when its receipt arrives (answered with deliver_sm_resp) */
  receipts?: boolean;
}

export interface RawResult {
  /** submit_sm call → submit_sm_resp (with `receipts`: → receipt) per message (ms) */
  latencyMs: Float64Array;
  done: number;
  failed: number;
  elapsedMs: number;
}

async function openSession(port: number, n: number, tlsOpts: RawOptions['tls']): Promise<RawSession> {
  const session = await new Promise<RawSession>((resolve, reject) => {
    const target = tlsOpts
      ? { url: `ssmpp://127.0.0.1:${port}`, ca: tlsOpts.ca, servername: tlsOpts.servername, rejectUnauthorized: true }
      : { url: `smpp://127.0.0.1:${port}` };
    const s = smpp.connect(target, () => resolve(s));
    s.on('error', (err) => reject(err ?? new Error('smpp session error')));
  });
  session.socket.setNoDelay(true); // as the engine does: no Nagle delay on small PDUs
  await new Promise<void>((resolve, reject) => session.bind_transceiver({ system_id: `raw${n}`, password: 'secret1' }, (pdu) => {
    if (pdu.command_status === 0) resolve();
    else reject(new Error(`raw bind failed: status ${pdu.command_status}`));
  }));
  return session;
}

export async function runRawSmpp(o: RawOptions): Promise<RawResult> {
  const sessions = await Promise.all(Array.from({ length: o.sessions }, (_, n) => openSession(o.port, n, o.tls)));
  const encoded = Buffer.from(BENCH_TEXT, 'latin1'); // ASCII only: GSM 7-bit unpacked is the same octets
  const latencyMs = new Float64Array(o.count).fill(Number.NaN);
  const startedAt = new Float64Array(o.count);
  let next = 0;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, o.timeoutMs);
    const finished = () => {
      if (++done === o.count) {
        clearTimeout(deadline);
        resolve();
      }
    };
    // receipts: message id → index, filled from the resp (a receipt before its resp is not sent by this SMSC)
    const byMessageId = new Map<string, number>();
    if (o.receipts) {
      for (const s of sessions) {
        s.on('deliver_sm', (pdu) => {
          s.send(pdu.response());
          const i = pdu.receipted_message_id === undefined ? undefined : byMessageId.get(pdu.receipted_message_id);
          if (i === undefined) return;
          byMessageId.delete(pdu.receipted_message_id!);
          latencyMs[i] = performance.now() - startedAt[i]!;
          finished();
        });
      }
    }
    const pump = (s: RawSession) => {
      if (next >= o.count) return;
      const i = next++;
      const at = performance.now();
      startedAt[i] = at;
      s.submit_sm({
        source_addr: '15550000000', destination_addr: destinationOf(i).slice(1), registered_delivery: 1,
        short_message: o.preEncoded ? encoded : BENCH_TEXT,
      }, (pdu) => {
        if (pdu.command_status !== 0) failed++;
        if (o.receipts && pdu.command_status === 0 && pdu.message_id !== undefined) {
          byMessageId.set(pdu.message_id, i);
        } else {
          latencyMs[i] = performance.now() - at;
          finished();
        }
        pump(s);
      });
    };
    for (const s of sessions) for (let w = 0; w < o.window; w++) pump(s);
  });
  const elapsedMs = performance.now() - started;
  await Promise.all(sessions.map((s) => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 1_000);
    s.unbind({}, () => { clearTimeout(t); resolve(); });
  })));
  for (const s of sessions) s.close();
  return { latencyMs, done, failed, elapsedMs };
}
