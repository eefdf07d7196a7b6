// The SMSC simulator: a real SMPP 3.4 server, TCP or TLS, for users' trials (`byo-smpp simulator`), the demo,
// our tests and the benchmark. Built on the adapter's own framing and codec (the `smpp` package's server
// wedges after one malformed PDU, like its client).
//
//   const smsc = await startSimulator({ preset: 'happy', autoDlr: { idFormat: 'decimal' } });
//   ...; await smsc.waitFor(() => smsc.binds.length >= 3, { timeoutMs: 2_000 });
//   await smsc.close();
import type { DataSmInput } from '../adapters/smpp/index.js';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { PduHeader, ShortMessageInput } from '../adapters/smpp/index.js';
import { handleFrame, type SmscCore } from './behaviour.js';
import { SmscConnection, type ResponseSeen } from './connection.js';
import {
  resolveOptions, type SimulatorOptions, type ReceivedBind, type ReceivedSubmit, type ResolvedOptions, type SentReceipt,
} from './options.js';
import type { MessageKey } from './receipts.js';
import { noFaults, type Faults } from './faults.js';
import { moParts, type MoInput } from './mo.js';

export interface WaitOptions {
  timeoutMs?: number;
  /** what was awaited, for the timeout message */
  what?: string;
}

const DEFAULT_WAIT_MS = 5_000;
/** fallback re-check for predicates over state outside the SMSC */
const POLL_MS = 20;

export class SmscSimulator implements SmscCore {
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
  /** faults switched on at run time (faults.ts); the control server sets them */
  readonly faults: Faults = noFaults();
  private readonly live = new Map<number, SmscConnection>();
  private readonly watchers = new Set<() => void>();
  private messageCounter = 1_000_000_000;
  /** a uuid per message only when some id format needs one (resp and receipt must share it) */
  private readonly usesUuid: boolean;

  private constructor(readonly opts: ResolvedOptions, private readonly server: net.Server, readonly host: string, readonly port: number) {
    const dlr = opts.autoDlr;
    this.usesUuid = [opts.messageIdFormat, dlr?.idFormat, dlr?.tlvIdFormat].includes('uuid');
  }

  static async start(options: SimulatorOptions = {}): Promise<SmscSimulator> {
    const opts = resolveOptions(options);
    const created: { smsc?: SmscSimulator } = {}; // the server exists before the SmscSimulator that serves it
    const onSocket = (socket: net.Socket) => created.smsc?.accept(socket);
    const server = opts.tls
      ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onSocket).on('tlsClientError', () => undefined)
      : net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    created.smsc = new SmscSimulator(opts, server, address.address, address.port);
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
        else if (Date.now() - started >= timeoutMs) finish(new Error(`SMSC simulator waitFor timed out after ${timeoutMs} ms${what ? `: ${what}` : ''}`));
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
    if (!conn) throw new Error(`SMSC simulator: no ${connection === 'any' ? 'bound receiver' : `live connection ${connection}`} to deliver to`);
    return (await conn.deliverSm(fields, timeoutMs)).header;
  }

  /** Like deliver(), as a data_sm whose message_payload is `fields.payload`. */
  async deliverDataSm(connection: number | 'any', fields: DataSmInput, timeoutMs = 5_000): Promise<PduHeader> {
    const conn = connection === 'any' ? this.connectionList().find((c) => c.canReceive) : this.live.get(connection);
    if (!conn) throw new Error(`SMSC simulator: no ${connection === 'any' ? 'bound receiver' : `live connection ${connection}`} to deliver to`);
    return (await conn.dataSm(fields, timeoutMs)).header;
  }

  /**
   * A handset writes to `mo.to`: one deliver_sm per part (concatenated when long) on a bound receiver
   * (of `systemId` when given). Resolves with each part's deliver_sm_resp command_status.
   */
  async sendMo(mo: MoInput, opts: { systemId?: string; timeoutMs?: number } = {}): Promise<number[]> {
    const conn = this.connectionList().find((c) => c.canReceive && !c.closed && (opts.systemId === undefined || c.systemId === opts.systemId));
    if (!conn) throw new Error(`SMSC simulator: no bound receiver${opts.systemId ? ` of ${opts.systemId}` : ''} to deliver the MO to`);
    const statuses: number[] = [];
    for (const part of moParts(mo)) statuses.push((await conn.deliverSm(part, opts.timeoutMs ?? 5_000)).header.commandStatus);
    return statuses;
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

export const startSimulator = (options: SimulatorOptions = {}): Promise<SmscSimulator> => SmscSimulator.start(options);
