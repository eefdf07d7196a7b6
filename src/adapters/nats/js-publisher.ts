// JetStream requests for the hot path (statuses, tracking puts, reads and compare-and-set updates): one
// reply subscription per connection, a map of pending requests, one timeout sweep.
//
// Why not js.publish()/kv.put(): nats.js (3.x, request.js RequestOne.cancel) allocates a
// RequestError("cancelled") for every request, including successful ones, plus a timer and a deferred
// per request. Under load that was 9% of the engine's CPU in self time and a share of its 21% GC
// (docs/performance.md). The wire protocol is the same: a PUB with a reply subject, answered by a
// JSON PubAck (or {error}) from the stream, or a 503 status when no stream listens.
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

export class JsPublishError extends Error {
  override name = 'JsPublishError';
  constructor(message: string, readonly code: 'NO_RESPONDERS' | 'TIMEOUT' | 'API_ERROR' | 'BAD_ACK' | 'BAD_HEADER' | 'CLOSED',
    readonly apiCode?: number) {
    super(message);
  }
}

export interface PublishOptions {
  /** Nats-Msg-Id: the stream drops a repeat within its duplicate window */
  msgId?: string;
  /** Nats-Expected-Last-Subject-Sequence: compare-and-set against the subject's last sequence (0 = none yet) */
  expectedLastSubjectSequence?: number;
  /** further headers */
  headers?: Record<string, string>;
}

interface Pending {
  resolve: (reply: Msg) => void;
  reject: (err: Error) => void;
  deadline: number;
  subject: string;
}

export interface JsPublisherOptions {
  /** how long a publish waits for its PubAck before failing with TIMEOUT */
  ackTimeoutMs: number;
  /** how often expired publishes are looked for */
  sweepIntervalMs?: number;
}

export class JsPublisher {
  private readonly prefix: string;
  private readonly sub: Subscription;
  private readonly pending = new Map<string, Pending>();
  private readonly sweep: NodeJS.Timeout;
  private next = 0;
  private closed = false;

  constructor(private readonly nc: NatsConnection, private readonly opts: JsPublisherOptions) {
    this.prefix = createInbox();
    this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (err, msg) => (err ? this.failAll(err) : this.onReply(msg)) });
    this.sweep = setInterval(() => this.expire(Date.now()), opts.sweepIntervalMs ?? Math.max(50, Math.min(1000, opts.ackTimeoutMs / 4)));
    this.sweep.unref();
  }

  /** Publishes to a subject a stream captures; resolves with the stream's ack. */
  async publish(subject: string, payload: Uint8Array | string, opts?: PublishOptions): Promise<PubAck> {
    let h: MsgHdrs | undefined;
    if (opts?.msgId !== undefined || opts?.expectedLastSubjectSequence !== undefined || opts?.headers) {
      h = headerBlock(opts);
    }
    return parseAck(subject, await this.request(subject, payload, h));
  }

  /** A request whose reply is returned as is (a 503 "no responders" status rejects with NO_RESPONDERS). */
  request(subject: string, payload: Uint8Array | string, headers?: MsgHdrs): Promise<Msg> {
    if (this.closed) return Promise.reject(new JsPublishError('publisher closed', 'CLOSED'));
    const token = (this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      // insertion order = deadline order (one timeout for all), so the sweep stops at the first live one
      this.pending.set(token, { resolve, reject, deadline: Date.now() + this.opts.ackTimeoutMs, subject });
      try {
        const reply = `${this.prefix}.${token}`;
        this.nc.publish(subject, payload, headers ? { reply, headers } : { reply });
      } catch (err) {
        this.pending.delete(token);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    this.sub.unsubscribe();
    this.failAll(new JsPublishError('publisher closed', 'CLOSED'));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const p = this.pending.get(token);
    if (!p) return; // already timed out
    this.pending.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) p.reject(new JsPublishError(`no stream captures ${p.subject}`, 'NO_RESPONDERS'));
    else p.resolve(msg);
  }

  private expire(now: number): void {
    for (const [token, p] of this.pending) {
      if (p.deadline > now) return;
      this.pending.delete(token);
      p.reject(new JsPublishError(`no ack for ${p.subject} within ${this.opts.ackTimeoutMs} ms`, 'TIMEOUT'));
    }
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}

const TE = new TextEncoder();
/** a header name nats.js would accept: printable ASCII without ':' */
const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * The header block of a publish, written once as the wire text. Why not nats.js's `headers()`: its MsgHdrs
 * keeps a Map of arrays and canonicalises every key through an array of char codes on each `set`, and its
 * encode() builds the text by concatenation: ~1 KB of garbage per write, five writes per delivered message,
 * and the young generation's collections are the largest single cost of a busy engine (docs/performance.md).
 * nats.js's publish only calls `encode()` on what it is given; the block is the same text it would send
 * (names as given, values trimmed, CR or LF in either refused as nats.js refuses them).
 */
function headerBlock(opts: PublishOptions): MsgHdrs {
  let text = 'NATS/1.0\r\n';
  if (opts.headers) for (const name in opts.headers) text += headerLine(name, opts.headers[name]!);
  if (opts.msgId !== undefined) text += headerLine('Nats-Msg-Id', opts.msgId);
  if (opts.expectedLastSubjectSequence !== undefined) text += `Nats-Expected-Last-Subject-Sequence: ${opts.expectedLastSubjectSequence}\r\n`;
  const bytes = TE.encode(`${text}\r\n`);
  return { encode: () => bytes } as unknown as MsgHdrs;
}

function headerLine(name: string, value: string): string {
  if (!HEADER_NAME.test(name)) throw new JsPublishError(`invalid header name ${JSON.stringify(name)}`, 'BAD_HEADER');
  if (/[\r\n]/.test(value)) throw new JsPublishError(`header ${name}: values cannot contain CR or LF`, 'BAD_HEADER');
  return `${name}: ${value.trim()}\r\n`;
}

function parseAck(subject: string, msg: Msg): PubAck {
  let ack: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: number; err_code?: number; description?: string } };
  try {
    ack = msg.json();
  } catch {
    throw new JsPublishError(`unreadable ack for ${subject}`, 'BAD_ACK');
  }
  if (ack.error) {
    throw new JsPublishError(`publish to ${subject} refused: ${ack.error.description ?? 'unknown error'}`, 'API_ERROR', ack.error.err_code ?? ack.error.code);
  }
  if (typeof ack.stream !== 'string' || typeof ack.seq !== 'number') throw new JsPublishError(`unexpected ack for ${subject}`, 'BAD_ACK');
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true };
}
