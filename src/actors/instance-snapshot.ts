// This instance's state snapshot in KV `byo_state`, split when it outgrows one NATS message.
//
// One value is at most the server's max_payload (1 MB by default). At ~425 bytes per integration a single
// value held some 2,400 integrations; past that every write failed, and since the owner renewal wrote
// the snapshot first, the claims were not renewed either and the instance fenced all its binds.
//
// Layout. `instance.<id>` is the head; its write time is the instance's liveness. When the views fit in
// one chunk the head is their JSON array: the format every earlier version writes and reads. When they do
// not, the head is `{ "views": [first chunk], "parts": n }` and the rest are `instance.<id>.<k>`, k = 1..n,
// written before the head. `instance.*` (the heads) does not match the parts. A reader that catches a
// write half done may see an integration twice (readers keep the first) or miss one for one read; the
// next read is whole. Parts left over from a larger snapshot are deleted after the head is written.
import type { KV, KvEntry } from '@nats-io/kv';
import { z } from 'zod';
import { decodeJson, keys, type WarnLogger } from '../adapters/nats/index.js';
import type { IntegrationStateView } from '../domain/index.js';

const enc = new TextEncoder();

/** a head that says how many parts follow; a plain array (one chunk) is read as it always was */
const MAX_PARTS = 10_000;
const headSchema = <T extends z.ZodTypeAny>(views: T) =>
  z.union([views, z.object({ views, parts: z.number().int().min(0).max(MAX_PARTS) })]);

/** Views as JSON arrays of at most `chunkBytes` each (a view larger than that gets a chunk of its own). */
export function chunkViews(views: readonly IntegrationStateView[], chunkBytes: number): string[] {
  const chunks: string[] = [];
  let items: string[] = [];
  let bytes = 2; // []
  for (const v of views) {
    const json = JSON.stringify(v);
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

export class InstanceSnapshotWriter {
  /** parts written by the last write (deleted when a later, smaller snapshot no longer has them) */
  private parts = 0;

  /** `chunkBytes`: each value's bound, well under the server's max_payload (the head adds a few bytes) */
  constructor(private readonly kv: KV, private readonly instanceId: string, private readonly chunkBytes: number) {}

  async write(views: readonly IntegrationStateView[]): Promise<void> {
    const [first, ...rest] = chunkViews(views, this.chunkBytes);
    await Promise.all(rest.map((chunk, k) => this.kv.put(keys.instanceStatePart(this.instanceId, k + 1), enc.encode(chunk))));
    await this.kv.put(keys.instanceState(this.instanceId), enc.encode(rest.length === 0 ? first! : `{"views":${first!},"parts":${rest.length}}`));
    const stale = this.parts;
    this.parts = rest.length;
    for (let k = rest.length + 1; k <= stale; k++) await this.kv.delete(keys.instanceStatePart(this.instanceId, k));
  }

  /** Deletes the head and every part (a stopping instance). */
  async remove(): Promise<void> {
    await this.kv.delete(keys.instanceState(this.instanceId));
    for (let k = 1; k <= this.parts; k++) await this.kv.delete(keys.instanceStatePart(this.instanceId, k));
    this.parts = 0;
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
