// One ESME connection as the SMSC simulator sees it: framing, batched writes, and the SMSC's own requests
// (deliver_sm, unbind, enquire_link) awaiting their responses. Protocol decisions live in behaviour.ts.
import type net from 'node:net';
import { encodeDataSmPdu, type DataSmInput } from '../adapters/smpp/index.js';
import {
  COMMAND_ID, FrameReader, WriteBatcher, encodeHeaderOnly, encodeShortMessagePdu, readHeader,
  type PduHeader, type ShortMessageInput,
} from '../adapters/smpp/index.js';
import type { BindType } from '../config/index.js';

export interface ResponseSeen {
  header: PduHeader;
  frame: Buffer;
}

interface Waiter {
  resolve(r: ResponseSeen): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class SmscConnection {
  /** set by a successful bind */
  bindType: BindType | undefined;
  systemId: string | undefined;
  pdusReceived = 0;
  closed = false;
  private readonly reader: FrameReader;
  private readonly writer: WriteBatcher;
  private readonly waiting = new Map<number, Waiter>();
  private nextSeq = 1;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    maxPduLength: number,
    onFrame: (conn: SmscConnection, frame: Buffer) => boolean,
    onClose: (conn: SmscConnection) => void,
  ) {
    this.reader = new FrameReader(maxPduLength);
    this.writer = new WriteBatcher(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const err = this.reader.push(chunk, (frame) => !this.closed && onFrame(this, frame));
      if (err) this.destroy(); // a real SMSC drops a connection whose framing is lost
    });
    socket.on('error', () => undefined); // ECONNRESET when the ESME goes away: 'close' follows
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new Error(`SMSC simulator connection ${id} closed`));
      }
      this.waiting.clear();
      onClose(this);
    });
  }

  get bound(): boolean {
    return this.bindType !== undefined;
  }

  /** can this connection carry deliver_sm to the ESME? */
  get canReceive(): boolean {
    return this.bindType === 'transceiver' || this.bindType === 'receiver';
  }

  send(pdu: Buffer): void {
    if (!this.closed) this.writer.write(pdu);
  }

  /** writes queued PDUs now, then closes our side (after unbind_resp) */
  end(): void {
    this.writer.flush();
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** a request from the SMSC; resolves with the ESME's response (or generic_nack) */
  request(build: (seq: number) => Buffer, timeoutMs: number): Promise<ResponseSeen> {
    if (this.closed) return Promise.reject(new Error(`SMSC simulator connection ${this.id} is closed`));
    const seq = this.nextSeq;
    this.nextSeq = seq >= 0x7fffffff ? 1 : seq + 1;
    return new Promise<ResponseSeen>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`SMSC simulator: no response to seq ${seq} within ${timeoutMs} ms on connection ${this.id}`));
      }, timeoutMs);
      this.waiting.set(seq, { resolve, reject, timer });
      this.send(build(seq));
    });
  }

  deliverSm(fields: ShortMessageInput, timeoutMs: number): Promise<ResponseSeen> {
    return this.request((seq) => encodeShortMessagePdu(COMMAND_ID.deliver_sm, seq, fields), timeoutMs);
  }

  /** an MO or receipt as data_sm, the text in message_payload (SMPP 3.4 §4.7) */
  dataSm(fields: DataSmInput, timeoutMs: number): Promise<ResponseSeen> {
    return this.request((seq) => encodeDataSmPdu(seq, fields), timeoutMs);
  }

  unbind(timeoutMs: number): Promise<ResponseSeen> {
    return this.request((seq) => encodeHeaderOnly(COMMAND_ID.unbind, 0, seq), timeoutMs);
  }

  enquireLink(timeoutMs: number): Promise<ResponseSeen> {
    return this.request((seq) => encodeHeaderOnly(COMMAND_ID.enquire_link, 0, seq), timeoutMs);
  }

  /** settles one of our requests; false when nothing waited for this sequence_number */
  settle(frame: Buffer): boolean {
    const header = readHeader(frame);
    const w = this.waiting.get(header.sequenceNumber);
    if (!w) return false;
    clearTimeout(w.timer);
    this.waiting.delete(header.sequenceNumber);
    w.resolve({ header, frame: Buffer.from(frame) });
    return true;
  }
}
