// Our own types over the untyped `smpp` package. The session adapter reports facts as events shaped
// like XState events; it never decides retry or rebind policy (the bind machine does).
import type { BindType } from '../../config/index.js';

export interface TlsOptions {
  enabled: boolean;
  /** PEM CA bundle to trust instead of the system store */
  ca?: string | undefined;
  servername?: string | undefined;
  rejectUnauthorized: boolean;
}

export interface SessionOptions {
  host: string;
  port: number;
  tls: TlsOptions;
  connectTimeoutMs: number;
  /** outstanding requests (submit_sm etc.) allowed at once; further submits are refused with WindowFullError */
  windowSize: number;
  /** a PDU whose command_length exceeds this is unrecoverable: the session reports it and closes */
  maxPduLength: number;
}

export interface BindRequest {
  bindType: BindType;
  systemId: string;
  password: string;
  systemType?: string;
  addrTon: number;
  addrNpi: number;
  addressRange?: string;
}

/** A decoded PDU: header fields plus the `smpp` package's field names (snake_case, as on the wire). */
export interface Pdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
}

// The PDUs' plain data (built and read by src/domain) live there; re-exported for the session's users.
export type { SubmitSm, SubmitSmResp, DeliverSm } from '../../domain/index.js';
import type { SubmitSm, SubmitSmResp, DeliverSm } from '../../domain/index.js';

/** Facts a session reports. Names are dotted lowercase; SMPP wire names stay verbatim. */
export type SessionEvent =
  | { type: 'smpp.connected' }
  | { type: 'smpp.closed'; reason: string }
  /** the SMSC's enquire_link was answered by the adapter; reported for liveness accounting */
  | { type: 'pdu.enquire_link' }
  /** the SMSC asked to unbind; the adapter answered unbind_resp and will close */
  | { type: 'pdu.unbind' }
  /** must be answered with session.respondDeliverSm(pdu, status) */
  | { type: 'pdu.deliver_sm'; pdu: DeliverSm }
  /** a PDU we could frame but not decode, or an unknown command_id: generic_nack was sent, the bind goes on */
  | { type: 'smpp.codec_error'; recoverable: true; message: string; commandId?: number }
  /** framing lost (bad command_length): the session closes itself after reporting this */
  | { type: 'smpp.codec_error'; recoverable: false; message: string }
  /** the window has room again after being full */
  | { type: 'smpp.window_open' };

/**
 * A count of changes many writers share (sessions' windows in use, integration views): a reader that sees
 * the same count twice knows none of them changed, without asking each (supervisor.ts's state snapshot).
 */
export interface ChangeCounter { changes: number }

export interface SmppSession {
  /** starts connecting; reports smpp.connected or smpp.closed */
  connect(): void;
  bind(req: BindRequest, timeoutMs: number): Promise<Pdu>;
  enquireLink(timeoutMs: number): Promise<Pdu>;
  /** the keep-alive's enquire_link: `done()` on its resp, `done(err)` if it cannot be sent, is nacked or the
   * session closes first. No deadline here: the caller keeps it (no timer and no promise per ping). */
  ping(done: (err?: SmppError) => void): void;
  unbind(timeoutMs: number): Promise<Pdu>;
  /** rejects with WindowFullError when the window is full, ResponseTimeoutError or SessionClosedError */
  submit(sm: SubmitSm, timeoutMs: number): Promise<SubmitSmResp>;
  /** deliver_sm_resp, or data_sm_resp for a data_sm */
  respondDeliverSm(pdu: Pick<DeliverSm, 'sequenceNumber' | 'command'>, commandStatus: number): void;
  /** requests awaiting a response */
  readonly outstanding: number;
  /** of those, the ones that count against the window (submit_sm, data_sm): what the state view shows */
  readonly windowInUse: number;
  /** true when a submit would be accepted now (window and socket buffer have room) */
  readonly writable: boolean;
  /** true once the session has ended: nothing more can be sent on it */
  readonly closed?: boolean;
  /** Date.now() when something was last read from the SMSC (0: nothing yet); the keep-alive's clock */
  readonly lastReadAt?: number;
  /** ends the socket; outstanding requests reject with SessionClosedError */
  close(reason: string): void;
}

export class SmppError extends Error {
  override name = 'SmppError';
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
export class ResponseTimeoutError extends SmppError {
  override name = 'ResponseTimeoutError';
  constructor(command: string, timeoutMs: number) {
    super(`no ${command}_resp within ${timeoutMs} ms`, 'RESPONSE_TIMEOUT');
  }
}
export class SessionClosedError extends SmppError {
  override name = 'SessionClosedError';
  constructor(reason: string) {
    super(`session closed: ${reason}`, 'SESSION_CLOSED');
  }
}
export class WindowFullError extends SmppError {
  override name = 'WindowFullError';
  constructor(size: number) {
    super(`window of ${size} outstanding requests is full`, 'WINDOW_FULL');
  }
}
/** the SMSC answered a request with generic_nack (e.g. it could not parse it); commandStatus says why */
export class GenericNackError extends SmppError {
  override name = 'GenericNackError';
  constructor(command: string, readonly commandStatus: number) {
    super(`${command} answered with generic_nack, command_status 0x${commandStatus.toString(16).padStart(8, '0')}`, 'GENERIC_NACK');
  }
}
