// JSON values in KV, checked with zod in both directions. A stored value that fails validation is
// logged and treated as absent: one corrupt key must never stop an engine from starting or watching.
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { keys } from './subjects.js';
import type { KV, KvEntry } from '@nats-io/kv';
import type { z } from 'zod';
import { JsPublishError } from './js-publisher.js';

/** What the helpers need from a logger (pino's Logger fits). */
export interface WarnLogger {
  warn(obj: object, msg?: string): void;
}

export interface JsonEntry<T> {
  key: string;
  value: T;
  revision: number;
}

const encoder = new TextEncoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** A DEL or PURGE marker is an entry too: only PUT carries a value. */
export const isLive = (entry: KvEntry | null | undefined): entry is KvEntry => entry?.operation === 'PUT';

/** The value of a PUT entry, or undefined (logged) when it is not valid JSON of the schema's shape. */
export function decodeJson<T>(entry: Pick<KvEntry, 'json' | 'bucket' | 'key' | 'revision'>, schema: z.ZodType<T>, logger: WarnLogger): T | undefined {
  let raw: unknown;
  try {
    raw = entry.json<unknown>();
  } catch {
    logger.warn({ bucket: entry.bucket, key: entry.key, revision: entry.revision }, 'KV value is not JSON: skipped');
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    logger.warn({ bucket: entry.bucket, key: entry.key, revision: entry.revision, issues }, 'KV value failed validation: skipped');
    return undefined;
  }
  return parsed.data;
}

export async function getJson<T>(kv: KV, key: string, schema: z.ZodType<T>, logger: WarnLogger): Promise<JsonEntry<T> | undefined> {
  const entry = await kv.get(key);
  if (!isLive(entry)) return undefined;
  const value = decodeJson(entry, schema, logger);
  return value === undefined ? undefined : { key, value, revision: entry.revision };
}

/** The server refused a write because the key moved since we read it (or exists, for create). */
export function isWrongLastSequence(err: unknown): boolean {
  const code = err instanceof JetStreamApiError ? err.code : err instanceof JsPublishError ? err.apiCode : undefined;
  return code === JetStreamApiCodes.StreamWrongLastSequence || code === JetStreamApiCodes.StreamWrongLastSequenceUnknown;
}

export class CasContentionError extends Error {
  override name = 'CasContentionError';
  readonly code = 'CAS_CONTENTION';
}

/**
 * Read-modify-write with compare-and-set, retried while other writers win the race. `mutate` sees the
 * current value (undefined when absent or unreadable) and returns the next one; it may throw to abort.
 * An absent key is written with `create`, so two writers can't both create it.
 */
export async function casUpdateJson<T>(
  kv: KV,
  key: string,
  schema: z.ZodType<T>,
  mutate: (current: JsonEntry<T> | undefined) => T,
  opts: { logger: WarnLogger; maxAttempts?: number },
): Promise<JsonEntry<T>> {
  const maxAttempts = opts.maxAttempts ?? 50;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const entry = await kv.get(key);
    const current = isLive(entry) ? decodeJson(entry, schema, opts.logger) : undefined;
    const value = schema.parse(mutate(current && entry ? { key, value: current, revision: entry.revision } : undefined));
    try {
      const revision = entry && entry.operation === 'PUT'
        ? await kv.update(key, encodeJson(value), entry.revision)
        : await kv.create(key, encodeJson(value));
      return { key, value, revision };
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
    }
  }
  throw new CasContentionError(`gave up updating ${key} after ${maxAttempts} attempts: too many concurrent writers`);
}

/**
 * The keys of a bucket, from one stream-info request (subjects_filter). Used instead of `kv.keys()`,
 * whose ordered consumer was seen never to finish when the bucket is written while it iterates
 * (number states change while an activation lists numbers). Keys whose last entry is a delete or
 * purge marker are included: callers read each key and skip non-live ones.
 */
export async function listKeys(kv: KV, filter: string = keys.all): Promise<string[]> {
  const bucket = kv as unknown as { jsm: JetStreamManager; stream: string; prefix: string };
  const prefix = `${bucket.prefix}.`;
  const info = await bucket.jsm.streams.info(bucket.stream, { subjects_filter: prefix + filter });
  return Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefix.length));
}
