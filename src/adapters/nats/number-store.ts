// Number inventory in KV `byo_numbers`, keyed by the number's digits: one key per number across
// every org, so `kv.create` is the uniqueness check and two orgs racing for a number get exactly
// one winner. Values are zod-checked on the way in and out.
import type { KV, KvEntry } from '@nats-io/kv';
import {
  numberRecordSchema, type NumberRecord, type NumberState, type NumberStore,
} from '../../domain/index.js';
import { CasContentionError, decodeJson, encodeJson, isLive, isWrongLastSequence, listKeys, type WarnLogger } from './kv-json.js';
import { keys } from './subjects.js';

export { numberRecordSchema };
export type { ClaimResult, NumberOwner, NumberRecord, NumberState, NumberStore } from '../../domain/index.js';

export interface KvNumberStoreOptions {
  /** told about stored values that fail validation (they are skipped in lists) */
  logger?: WarnLogger;
  /** clock for `updatedAt`; injectable for tests */
  now?: () => Date;
  /** compare-and-set attempts before a contended write gives up with CasContentionError */
  maxAttempts?: number;
}

export class UnreadableNumberError extends Error {
  override name = 'UnreadableNumberError';
  readonly code = 'NUMBER_UNREADABLE';
}

const encode = (record: NumberRecord): Uint8Array => encodeJson(numberRecordSchema.parse(record));
const silent: WarnLogger = { warn: () => undefined };

export function createKvNumberStore(kv: KV, opts: KvNumberStoreOptions = {}): NumberStore {
  const now = opts.now ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 10;
  const logger = opts.logger ?? silent;

  /**
   * The live entry and its record; DEL/PURGE markers count as absent. A live value that fails the
   * schema still holds the number, so writes refuse to touch it rather than treat it as free.
   */
  async function load(e164: string): Promise<{ entry: KvEntry; record: NumberRecord } | undefined> {
    const entry = await kv.get(keys.number(e164));
    if (!isLive(entry)) return undefined;
    const record = decodeJson(entry, numberRecordSchema, logger);
    if (!record) throw new UnreadableNumberError(`KV ${entry.bucket}/${entry.key} holds an unreadable number record`);
    return { entry, record };
  }

  async function list(): Promise<NumberRecord[]> {
    const names: string[] = [];
    names.push(...(await listKeys(kv)));
    // Concurrent gets: one round trip per key in sequence would crawl on a large inventory.
    const loaded = await Promise.all(names.map(async (k) => {
      const entry = await kv.get(k);
      return isLive(entry) ? decodeJson(entry, numberRecordSchema, logger) : undefined;
    }));
    return loaded.flatMap((r) => (r ? [r] : [])).sort((a, b) => a.e164.localeCompare(b.e164));
  }

  return {
    async claim(record) {
      const key = keys.number(record.e164);
      const value = encode(record);
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        try {
          await kv.create(key, value);
          return 'claimed';
        } catch (err) {
          if (!isWrongLastSequence(err)) throw err;
        }
        const holder = await load(record.e164);
        // Released between our create and this read: the number is free again, try once more.
        if (holder) return { takenBy: { org: holder.record.org, integration: holder.record.integration, state: holder.record.state } };
      }
      throw new CasContentionError(`number ${record.e164}: claim still contended after ${maxAttempts} attempts`);
    },

    async get(e164) {
      return (await load(e164))?.record;
    },

    list,
    async listByOrg(org) {
      return (await list()).filter((r) => r.org === org);
    },
    async listByIntegration(org, integration) {
      return (await list()).filter((r) => r.org === org && r.integration === integration);
    },

    async setState(e164: string, state: NumberState) {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const current = await load(e164);
        if (!current) return undefined;
        if (current.record.state === state) return current.record;
        const next: NumberRecord = { ...current.record, state, updatedAt: now().toISOString() };
        try {
          await kv.update(keys.number(e164), encode(next), current.entry.revision);
          return next;
        } catch (err) {
          if (!isWrongLastSequence(err)) throw err;
        }
      }
      throw new CasContentionError(`number ${e164}: state update still contended after ${maxAttempts} attempts`);
    },

    async release(e164, owner) {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const current = await load(e164);
        if (!current || (owner && current.record.org !== owner.org)) return undefined;
        try {
          // Purge (not delete): nothing about a released number needs to outlive it. The expected
          // revision keeps us from purging a record someone rewrote since we read it.
          await kv.purge(keys.number(e164), { previousSeq: current.entry.revision });
          return current.record;
        } catch (err) {
          if (!isWrongLastSequence(err)) throw err;
        }
      }
      throw new CasContentionError(`number ${e164}: release still contended after ${maxAttempts} attempts`);
    },
  };
}
