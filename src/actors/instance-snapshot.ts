// This instance's state snapshot in KV `byo_state`, split when it outgrows one NATS message.
//
// One value is at most the server's max_payload (1 MB by default). At ~425 bytes per integration a single
// value held some 2,400 integrations; past that every write failed, and since the owner renewal wrote
// the snapshot first, the claims were not renewed either and the instance fenced all its binds.
//
// Layout. `instance.<id>` is the head; its write time is the instance's liveness. When the views fit in
// one chunk the head is their JSON array: the format every earlier version writes and reads. When they do
// not, the head is `{ "views": [], "parts": n }` and the views are in `instance.<id>.<k>`, k = 1..n,
// written before the head. `instance.*` (the heads) does not match the parts. A reader that catches a
// write half done may see an integration twice (readers keep the first) or miss one for one read; the
// next read is whole. Parts left over from a larger snapshot are deleted after the head is written.
//
// Cost. The head is written at every owner renewal (1 s), but a part only when its text changed or it
// nears the bucket's max age: an idle instance of 1,000 integrations rewrote ~425 KB a second, and
// built and serialised every view to do so (~3% of a core; docs/performance.md).
import type { KV, KvEntry } from '@nats-io/kv';
import { z } from 'zod';
import { BUCKET_DEFAULTS, decodeJson, keys, type WarnLogger } from '../adapters/nats/index.js';

const enc = new TextEncoder();

/** a head that says how many parts follow; a plain array (one chunk) is read as it always was */
const MAX_PARTS = 10_000;
const headSchema = <T extends z.ZodTypeAny>(views: T) =>
  z.union([views, z.object({ views, parts: z.number().int().min(0).max(MAX_PARTS) })]);

/** Views (each already JSON) as JSON arrays of at most `chunkBytes` each (a larger view gets a chunk of its own). */
export function chunkViews(viewJsons: readonly string[], chunkBytes: number): string[] {
  const chunks: string[] = [];
  let items: string[] = [];
  let bytes = 2; // []
  for (const json of viewJsons) {
    const size = Buffer.byteLength(json) + 1; // its comma
    if (items.length > 0 && bytes + size > chunkBytes) {
      chunks.push(`[${items.join(',')}]`);
      items = [];
      bytes = 2;
    }
    items.push(json);
    bytes += size;
  }
  chunks.push(`[${items.join(',')}]`);
  return chunks;
}

/** a part unchanged this long is written again all the same, well within byo_state's max age */
export const SNAPSHOT_PART_REFRESH_MS = BUCKET_DEFAULTS.stateMaxAgeMs / 3;

export class InstanceSnapshotWriter {
  /** the parts as last written (text, monotonic ms): part k is written[k - 1] */
  private written: { chunk: string; at: number }[] = [];
  /** parts the last write left in the bucket (deleted when a later, smaller snapshot no longer has them) */
  private parts = 0;

  /** `chunkBytes`: each value's bound, well under the server's max_payload (the head adds a few bytes) */
  constructor(
    private readonly kv: KV, private readonly instanceId: string, private readonly chunkBytes: number,
    private readonly clock: () => number = () => performance.now(), private readonly partRefreshMs = SNAPSHOT_PART_REFRESH_MS,
  ) {}

  /** the views and chunks of the last write: an idle instance's views are the same strings every second */
  private last: { views: readonly string[]; chunks: string[] } = { views: [], chunks: [] };

  /** Writes the snapshot of these views (each already JSON): the head always, a part when it changed. */
  async write(viewJsons: readonly string[]): Promise<void> {
    const same = viewJsons.length === this.last.views.length && viewJsons.every((v, i) => v === this.last.views[i]);
    const chunks = same ? this.last.chunks : chunkViews(viewJsons, this.chunkBytes);
    this.last = { views: viewJsons, chunks };
    const split = chunks.length > 1;
    if (split) {
      const now = this.clock();
      await Promise.all(chunks.map(async (chunk, i) => {
        const last = this.written[i];
        if (last?.chunk === chunk && now - last.at < this.partRefreshMs) return;
        this.written[i] = { chunk: '', at: 0 }; // until the write is confirmed
        await this.kv.put(keys.instanceStatePart(this.instanceId, i + 1), enc.encode(chunk));
        this.written[i] = { chunk, at: now };
      }));
    }
    await this.kv.put(keys.instanceState(this.instanceId), enc.encode(split ? `{"views":[],"parts":${chunks.length}}` : chunks[0]!));
    const kept = split ? chunks.length : 0;
    const stale = this.parts;
    this.parts = kept;
    this.written.length = kept;
    for (let k = kept + 1; k <= stale; k++) await this.kv.delete(keys.instanceStatePart(this.instanceId, k));
  }

  /** Deletes the head and every part (a stopping instance). */
  async remove(): Promise<void> {
    await this.kv.delete(keys.instanceState(this.instanceId));
    for (let k = 1; k <= this.parts; k++) await this.kv.delete(keys.instanceStatePart(this.instanceId, k));
    this.parts = 0;
    this.written = [];
  }
}

/**
 * The views an instance's snapshot lists, head and parts (undefined: the head is not of a known shape,
 * logged). A part that is missing or unreadable is left out (logged): a write was under way.
 */
export async function readSnapshotViews<T extends z.ZodTypeAny>(
  kv: KV, instance: string, head: KvEntry, views: T, logger: WarnLogger,
): Promise<z.infer<T> | undefined> {
  const decoded = decodeJson(head, headSchema(views), logger) as unknown;
  if (decoded === undefined || Array.isArray(decoded)) return decoded as z.infer<T> | undefined;
  const { views: first, parts } = decoded as { views: unknown[]; parts: number };
  const all = [...first];
  for (let k = 1; k <= parts; k++) {
    const entry = await kv.get(keys.instanceStatePart(instance, k)).catch(() => null);
    const part = entry?.operation === 'PUT' ? (decodeJson(entry, views, logger) as unknown[] | undefined) : undefined;
    if (part) all.push(...part);
    else logger.warn({ instance, part: k, parts }, 'state snapshot part missing (a write under way?): left out of this read');
  }
  return all as z.infer<T>;
}
