// The KV operations of the message path (get, put, compare-and-set update) over JsPublisher instead of
// nats.js's KV client, which pays an Error allocation, a timer and a deferred per request (see
// js-publisher.ts; the receipt path does three of them per receipt). Same wire protocol as nats.js:
// reads are direct gets of the key's last message, writes publish on `$KV.<bucket>.<key>`.
// Only for a plain bucket with allow_direct (`openFastKv` checks); otherwise use nats.js's KV.
import { Empty } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import { JsPublishError, type JsPublisher, type PubAck } from './js-publisher.js';
import { directGetLastSubject, kvPutSubject, kvStream } from './subjects.js';

export interface FastKvEntry {
  bucket: string;
  key: string;
  revision: number;
  value: Uint8Array;
  json<T>(): T;
}

const decoder = new TextDecoder();

export class FastKv {
  private readonly stream: string;

  constructor(private readonly wire: JsPublisher, readonly bucket: string) {
    this.stream = kvStream(bucket);
  }

  /** The key's current value, or null when it was never written, deleted or purged. */
  async get(key: string): Promise<FastKvEntry | null> {
    const reply = await this.wire.request(directGetLastSubject(this.stream, kvPutSubject(this.bucket, key)), Empty);
    const h = reply.headers;
    const code = h?.code ?? 0;
    if (code === 404) return null;
    if (code !== 0 || !h) throw new JsPublishError(`reading ${this.bucket}/${key} failed: ${code} ${h?.description ?? 'no headers'}`, 'API_ERROR', code);
    const op = h.get('KV-Operation');
    if (op === 'DEL' || op === 'PURGE') return null;
    const value = reply.data;
    return { bucket: this.bucket, key, revision: Number(h.get('Nats-Sequence')), value, json: <T>() => JSON.parse(decoder.decode(value)) as T };
  }

  put(key: string, value: Uint8Array | string): Promise<PubAck> {
    return this.wire.publish(kvPutSubject(this.bucket, key), value);
  }

  /** Writes only if `revision` is still the key's last: else rejects (see isWrongLastSequence). */
  update(key: string, value: Uint8Array | string, revision: number): Promise<PubAck> {
    return this.wire.publish(kvPutSubject(this.bucket, key), value, { expectedLastSubjectSequence: revision });
  }
}

/** A FastKv when the bucket's stream serves direct gets, else undefined (the caller keeps nats.js's KV). */
export async function openFastKv(wire: JsPublisher, jsm: JetStreamManager, bucket: string): Promise<FastKv | undefined> {
  const info = await jsm.streams.info(kvStream(bucket));
  const plain = !info.config.mirror && !(info.config.sources?.length);
  return info.config.allow_direct && plain ? new FastKv(wire, bucket) : undefined;
}
