// One SMPP session over our own socket, framing and request window. The `smpp` package serves only as a
// codec (ARCHITECTURE.md §4). The session reports facts through onEvent; retry and rebind are the bind
// machine's decisions. States: idle → connecting → open → closed (closed is final: make a new session).
import type net from 'node:net';
import { decodeFrame, decodeMessageIdResp, encodeHeaderOnly, encodeMessageIdResp, encodePdu } from './codec.js';
import { connectFailureReason, openSocket, readyEvent } from './connect.js';
import { COMMAND_ID, INTERFACE_VERSION_34, RESPONSE_BIT } from './constants.js';
import { FrameReader } from './framing.js';
import { dispatchFrame, type FrameContext } from './frame-dispatch.js';
import { RequestWindow, type PendingRequest } from './request-window.js';
import { encodeShortMessagePdu } from './sm-codec.js';
import {
  type ChangeCounter, type DeliverSm, SessionClosedError, SmppError, WindowFullError,
  type BindRequest, type Pdu, type SessionEvent, type SessionOptions, type SmppSession, type SubmitSm, type SubmitSmResp,
} from './types.js';
import { WriteBatcher } from './write-batcher.js';

/** socket buffer above which `writable` turns false: backpressure instead of unbounded buffering */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024;
/** after close() ends the socket gracefully, destroy it if the SMSC has not closed its side by then */
const END_GRACE_MS = 2_000;

type State = 'idle' | 'connecting' | 'open' | 'closed';

const BIND_COMMAND = {
  transceiver: 'bind_transceiver',
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
} as const;

/** `windowChanges`: counted whenever this session's window in use changes (shared by an engine's sessions) */
export function createSmppSession(opts: SessionOptions, onEvent: (e: SessionEvent) => void, windowChanges?: ChangeCounter): SmppSession {
  return new Session(opts, onEvent, windowChanges);
}

class Session implements SmppSession {
  private state: State = 'idle';
  private closeReason = '';
  private socket: net.Socket | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private tcpConnected = false;
  private writer: WriteBatcher | undefined;
  private readonly reader: FrameReader;
  private readonly window: RequestWindow;
  /** writable went false since the last smpp.window_open */
  private blocked = false;
  /** Date.now() of the last read from the SMSC (0: none yet): the keep-alive's "heard from" */
  lastReadAt = 0;

  constructor(private readonly opts: SessionOptions, private readonly onEvent: (e: SessionEvent) => void, windowChanges?: ChangeCounter) {
    this.reader = new FrameReader(opts.maxPduLength);
    this.window = new RequestWindow(() => this.checkWindowOpen(), windowChanges);
  }

  get outstanding(): number {
    return this.window.size;
  }

  get windowInUse(): number {
    return this.window.windowed;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  get writable(): boolean {
    return this.state === 'open'
      && this.window.windowed < this.opts.windowSize
      && (this.writer?.bufferedBytes ?? 0) < SOCKET_HIGH_WATER_MARK;
  }

  connect(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    let socket: net.Socket;
    try {
      socket = openSocket(this.opts);
    } catch (err) {
      // e.g. a port out of range throws synchronously; report it like any other failure, never from inside connect()
      process.nextTick(() => this.shutdown(err instanceof Error ? err.message : String(err), 'destroy'));
      return;
    }
    this.socket = socket;
    this.connectTimer = setTimeout(
      () => this.shutdown(`connect timeout after ${this.opts.connectTimeoutMs} ms`, 'destroy'),
      this.opts.connectTimeoutMs,
    );
    socket.once('connect', () => {
      this.tcpConnected = true;
    });
    socket.once(readyEvent(this.opts), () => this.onOpen(socket));
    socket.on('error', (err) => {
      const reason = this.state === 'connecting'
        ? connectFailureReason(err, this.tcpConnected, this.opts.tls.enabled !== false)
        : `socket error: ${err.message}`;
      this.shutdown(reason, 'destroy');
    });
    socket.on('end', () => this.shutdown('connection closed by the SMSC', 'destroy'));
    socket.on('close', () => this.shutdown('socket closed', 'destroy'));
    socket.on('drain', () => this.checkWindowOpen());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  bind(req: BindRequest, timeoutMs: number): Promise<Pdu> {
    return this.request(BIND_COMMAND[req.bindType], {
      system_id: req.systemId,
      password: req.password,
      system_type: req.systemType ?? '',
      // the package would send 0x50 (SMPP 5.0) unless told
      interface_version: INTERFACE_VERSION_34,
      addr_ton: req.addrTon,
      addr_npi: req.addrNpi,
      address_range: req.addressRange ?? '',
    }, timeoutMs);
  }

  enquireLink(timeoutMs: number): Promise<Pdu> {
    return this.request('enquire_link', undefined, timeoutMs);
  }

  ping(done: (err?: SmppError) => void): void {
    const refused = this.refuse('enquire_link');
    if (refused) return done(refused);
    const seq = this.window.allocate();
    // no expiry in the window (no sweep timer) and no promise: the keep-alive keeps the deadline on its clock.
    // A failure is reported after the current turn, as a rejection was: when the session closes, its
    // smpp.closed (with the real reason) reaches the bind first and stops the keeper.
    this.window.add(seq, {
      command: 'enquire_link', responseId: COMMAND_ID.enquire_link_resp, windowed: false,
      complete: () => done(), fail: (err) => queueMicrotask(() => done(err)),
    }, Infinity);
    this.writer!.write(encodeHeaderOnly(COMMAND_ID.enquire_link, 0, seq));
  }

  unbind(timeoutMs: number): Promise<Pdu> {
    return this.request('unbind', undefined, timeoutMs);
  }

  submit(sm: SubmitSm, timeoutMs: number): Promise<SubmitSmResp> {
    const refused = this.refuse('submit_sm');
    if (refused) return Promise.reject(refused);
    if (this.window.windowed >= this.opts.windowSize) {
      this.blocked = true;
      return Promise.reject(new WindowFullError(this.opts.windowSize));
    }
    const seq = this.window.allocate();
    let frame: Buffer;
    try {
      frame = encodeShortMessagePdu(COMMAND_ID.submit_sm, seq, sm);
    } catch (err) {
      return Promise.reject(new SmppError(`cannot encode submit_sm: ${(err as Error).message}`, 'INVALID_PDU', { cause: err }));
    }
    return new Promise<SubmitSmResp>((resolve, reject) => {
      this.window.add(seq, {
        command: 'submit_sm',
        responseId: COMMAND_ID.submit_sm_resp,
        windowed: true,
        complete: (resp) => resolve({ commandStatus: resp.readUInt32BE(8), messageId: decodeMessageIdResp(resp) }),
        fail: reject,
      }, timeoutMs);
      this.writer!.write(frame);
      if (!this.writable) this.blocked = true;
    });
  }

  respondDeliverSm(pdu: Pick<DeliverSm, 'sequenceNumber' | 'command'>, commandStatus: number): void {
    if (this.state !== 'open') return;
    const id = pdu.command === 'data_sm' ? COMMAND_ID.data_sm_resp : COMMAND_ID.deliver_sm_resp;
    // the resp's message_id is unused (NULL); an error status goes as a bare header
    this.writer!.write(encodeMessageIdResp(id, commandStatus, pdu.sequenceNumber, commandStatus === 0 ? '' : undefined));
  }

  close(reason: string): void {
    this.shutdown(reason, 'end');
  }

  // ---- internals -------------------------------------------------------------------------------------

  private refuse(command: string): SmppError | undefined {
    if (this.state === 'open') return undefined;
    if (this.state === 'closed') return new SessionClosedError(this.closeReason);
    return new SmppError(`cannot send ${command}: not connected`, 'NOT_CONNECTED');
  }

  private request(command: string, fields: Record<string, unknown> | undefined, timeoutMs: number): Promise<Pdu> {
    const refused = this.refuse(command);
    if (refused) return Promise.reject(refused);
    const seq = this.window.allocate();
    let frame: Buffer;
    try {
      frame = fields ? encodePdu(command, seq, fields) : encodeHeaderOnly(COMMAND_ID[command as 'unbind'], 0, seq);
    } catch (err) {
      return Promise.reject(new SmppError(`cannot encode ${command}: ${(err as Error).message}`, 'INVALID_PDU', { cause: err }));
    }
    const responseId = (COMMAND_ID[command as keyof typeof COMMAND_ID] | RESPONSE_BIT) >>> 0;
    return new Promise<Pdu>((resolve, reject) => {
      const pending: PendingRequest = {
        command,
        responseId,
        windowed: false,
        complete: (resp) => {
          const decoded = decodeResponse(resp);
          if (decoded instanceof SmppError) reject(decoded);
          else resolve(decoded);
        },
        fail: reject,
      };
      this.window.add(seq, pending, timeoutMs);
      this.writer!.write(frame);
    });
  }

  private onOpen(socket: net.Socket): void {
    if (this.state !== 'connecting') return;
    clearTimeout(this.connectTimer);
    this.state = 'open';
    socket.setNoDelay(true); // writes are already batched per tick; do not let Nagle add latency
    socket.setKeepAlive(true, 30_000);
    this.writer = new WriteBatcher(socket, () => this.checkWindowOpen());
    this.emit({ type: 'smpp.connected' });
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'open') return;
    this.lastReadAt = Date.now();
    const err = this.reader.push(chunk, this.onFrame);
    if (err) {
      this.emit({ type: 'smpp.codec_error', recoverable: false, message: err.message });
      this.shutdown(`codec error: ${err.message}`, 'destroy');
    }
  }

  /** one function for every read (not a closure per chunk); false stops reading once the session closed */
  private readonly onFrame = (frame: Buffer): boolean => {
    dispatchFrame(this.inbound, frame);
    return this.state === 'open';
  };

  /** what inbound.ts needs from the session, without access to the rest of it */
  private readonly inbound: FrameContext = {
    window: {
      take: (seq) => {
        const req = this.window.take(seq);
        if (req) this.checkWindowOpen();
        return req;
      },
    },
    send: (pdu) => this.writer?.write(pdu),
    emit: (e) => this.emit(e),
    close: (reason) => this.shutdown(reason, 'end'),
  };

  private checkWindowOpen(): void {
    if (this.blocked && this.writable) {
      this.blocked = false;
      this.emit({ type: 'smpp.window_open' });
    }
  }

  private shutdown(reason: string, mode: 'end' | 'destroy'): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.closeReason = reason;
    clearTimeout(this.connectTimer);
    const socket = this.socket;
    if (socket) {
      if (mode === 'end' && wasOpen && !socket.destroyed) {
        this.writer?.flush(); // e.g. the unbind_resp we just queued
        socket.end();
        const timer = setTimeout(() => socket.destroy(), END_GRACE_MS);
        timer.unref();
        socket.once('close', () => clearTimeout(timer));
      } else {
        socket.destroy();
      }
    }
    this.window.failAll(() => new SessionClosedError(reason));
    this.emit({ type: 'smpp.closed', reason });
  }

  private emit(e: SessionEvent): void {
    try {
      this.onEvent(e);
    } catch (err) {
      // a throwing consumer must not break the socket's event handling (or crash the process)
      process.emitWarning(`smpp session onEvent threw on ${e.type}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function decodeResponse(frame: Buffer): Pdu | SmppError {
  const decoded = decodeFrame(frame);
  return decoded.ok ? decoded.pdu : new SmppError(decoded.message, 'INVALID_RESPONSE');
}
