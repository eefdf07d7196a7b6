// A real SMPP 3.4 server on 127.0.0.1 (port 0), TCP or TLS, for tests and the benchmark. Built on the
// adapter's own framing and codec (the `smpp` package's server wedges after one malformed PDU, like its client).
//
//   const smsc = await startFakeSmsc({ preset: 'happy', autoDlr: { idFormat: 'decimal' } });
//   ...; await smsc.waitFor(() => smsc.binds.length >= 3, { timeoutMs: 2_000 });
//   await smsc.close();
import type { DataSmInput } from '../../src/adapters/smpp/data-sm-codec.js';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { PduHeader, ShortMessageInput } from '../../src/adapters/smpp/index.js';
import { handleFrame, type SmscCore } from './fake-smsc-behaviour.js';
import { SmscConnection, type ResponseSeen } from './fake-smsc-connection.js';
import {
  resolveOptions, type FakeSmscOptions, type ReceivedBind, type ReceivedSubmit, type ResolvedOptions, type SentReceipt,
} from './fake-smsc-options.js';
import type { MessageKey } from './fake-smsc-receipts.js';

export * from './fake-smsc-options.js';
export { formatMessageId, receiptText } from './fake-smsc-receipts.js';

export interface WaitOptions {
  timeoutMs?: number;
  /** what was awaited, for the timeout message */
  what?: string;
}

const DEFAULT_WAIT_MS = 5_000;
/** fallback re-check for predicates over state outside the SMSC */
const POLL_MS = 20;

export class FakeSmsc implements SmscCore {
  readonly binds: ReceivedBind[] = [];
  readonly submits: ReceivedSubmit[] = [];
  readonly receipts: SentReceipt[] = [];
  readonly genericNacksReceived: PduHeader[] = [];
  submitCount = 0;
  unbindsReceived = 0;
  readonly undeliveredReceipts: (() => void)[] = [];
  enquireLinksReceived = 0;
  /** connections accepted since start */
  connectionsAccepted = 0;
  private readonly live = new Map<number, SmscConnection>();
  private readonly watchers = new Set<() => void>();
  private messageCounter = 1_000_000_000;
  /** a uuid per message only when some id format needs one (resp and receipt must share it) */
  private readonly usesUuid: boolean;

  private constructor(readonly opts: ResolvedOptions, private readonly server: net.Server, readonly port: number) {
    const dlr = opts.autoDlr;
    this.usesUuid = [opts.messageIdFormat, dlr?.idFormat, dlr?.tlvIdFormat].includes('uuid');
  }

  static async start(options: FakeSmscOptions = {}): Promise<FakeSmsc> {
    const opts = resolveOptions(options);
    const created: { smsc?: FakeSmsc } = {}; // the server exists before the FakeSmsc that serves it
    const onSocket = (socket: net.Socket) => created.smsc?.accept(socket);
    const server = opts.tls
      ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onSocket).on('tlsClientError', () => undefined)
      : net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    created.smsc = new FakeSmsc(opts, server, (server.address() as net.AddressInfo).port);
    return created.smsc;
  }

  /** live connections */
  get connections(): number {
    return this.live.size;
  }

  /** live connections in accept order */
  connectionList(): SmscConnection[] {
    return [...this.live.values()];
  }

  nextMessageKey(): MessageKey {
    const n = ++this.messageCounter;
    return { n, uuid: this.usesUuid ? randomUUID() : undefined };
  }

  receiverFor(conn: SmscConnection): SmscConnection | undefined {
    return this.connectionList().find((c) => c.canReceive && !c.closed && c.systemId === conn.systemId);
  }

  changed(): void {
    if (this.watchers.size === 0) return;
    for (const w of [...this.watchers]) w();
  }

  /** resolves once predicate() holds; re-checked on every SMSC event and every 20 ms; bounded */
  waitFor(predicate: () => boolean, { timeoutMs = DEFAULT_WAIT_MS, what }: WaitOptions = {}): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const started = Date.now();
      let poll: NodeJS.Timeout | undefined;
      const check = () => {
        let ok = false;
        try {
          ok = predicate();
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (ok) finish();
        else if (Date.now() - started >= timeoutMs) finish(new Error(`fake SMSC waitFor timed out after ${timeoutMs} ms${what ? `: ${what}` : ''}`));
        else poll = setTimeout(check, Math.min(POLL_MS, Math.max(1, timeoutMs - (Date.now() - started))));
      };
      const watcher = () => {
        clearTimeout(poll);
        check();
      };
      const finish = (err?: Error) => {
        clearTimeout(poll);
        this.watchers.delete(watcher);
        if (err) reject(err);
        else resolve();
      };
      this.watchers.add(watcher);
      poll = setTimeout(check, POLL_MS);
    });
  }

  /** destroys every connection (RST-like, no unbind) */
  dropAll(): void {
    for (const c of this.live.values()) c.destroy();
  }

  /** sends unbind on every bound connection; resolves with the responses (or failures) */
  sendUnbindToAll(timeoutMs = 5_000): Promise<PromiseSettledResult<ResponseSeen>[]> {
    return Promise.allSettled(this.connectionList().filter((c) => c.bound).map((c) => c.unbind(timeoutMs)));
  }

  sendEnquireLinkToAll(timeoutMs = 5_000): Promise<PromiseSettledResult<ResponseSeen>[]> {
    return Promise.allSettled(this.connectionList().map((c) => c.enquireLink(timeoutMs)));
  }

  /** writes octets as they are (e.g. a malformed PDU) to one connection or to all */
  sendRaw(bytes: Buffer, connection?: number): void {
    for (const c of this.live.values()) if (connection === undefined || c.id === connection) c.send(bytes);
  }

  /**
   * Sends a deliver_sm (MO or receipt) and resolves with the ESME's response header. `connection` is a
   * connection id, or 'any' for the first bound transceiver/receiver.
   */
  async deliver(connection: number | 'any', fields: ShortMessageInput, timeoutMs = 5_000): Promise<PduHeader> {
    const conn = connection === 'any'
      ? this.connectionList().find((c) => c.canReceive)
      : this.live.get(connection);
    if (!conn) throw new Error(`fake SMSC: no ${connection === 'any' ? 'bound receiver' : `live connection ${connection}`} to deliver to`);
    return (await conn.deliverSm(fields, timeoutMs)).header;
  }

  /** Like deliver(), as a data_sm whose message_payload is `fields.payload`. */
  async deliverDataSm(connection: number | 'any', fields: DataSmInput, timeoutMs = 5_000): Promise<PduHeader> {
    const conn = connection === 'any' ? this.connectionList().find((c) => c.canReceive) : this.live.get(connection);
    if (!conn) throw new Error(`fake SMSC: no ${connection === 'any' ? 'bound receiver' : `live connection ${connection}`} to deliver to`);
    return (await conn.dataSm(fields, timeoutMs)).header;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const id = this.connectionsAccepted++;
    const conn = new SmscConnection(id, socket, this.opts.maxPduLength,
      (c, frame) => handleFrame(this, c, frame),
      (c) => {
        this.live.delete(c.id);
        this.changed();
      });
    this.live.set(id, conn);
    this.changed();
  }
}

export const startFakeSmsc = (options: FakeSmscOptions = {}): Promise<FakeSmsc> => FakeSmsc.start(options);
