// IntegrationStore on KV bucket byo_integrations (key `<org>.<id>`). Every value is checked with
// integrationRecordSchema on the way in and out; a corrupt value is logged and skipped.
import { KvWatchInclude, type KV } from '@nats-io/kv';
import {
  StoreConflictError, StoreNotFoundError, integrationRecordSchema,
  type IntegrationChange, type IntegrationRecord, type IntegrationStore,
} from '../../domain/index.js';
import { keys } from './subjects.js';
import { casUpdateJson, decodeJson, encodeJson, getJson, isWrongLastSequence, listKeys, type WarnLogger } from './kv-json.js';

export interface KvIntegrationStoreOptions {
  logger?: WarnLogger;
  /** compare-and-set attempts before update gives up under contention */
  maxAttempts?: number;
}

// Without a logger a corrupt value must still be visible somewhere.
const consoleLogger: WarnLogger = { warn: (obj, msg) => console.warn(msg, obj) };

export function createKvIntegrationStore(kv: KV, opts: KvIntegrationStoreOptions = {}): IntegrationStore {
  const logger = opts.logger ?? consoleLogger;
  const get = async (org: string, id: string) => {
    const entry = await getJson(kv, keys.integration(org, id), integrationRecordSchema, logger);
    return entry && belongsTo(entry.value, org, id, logger) ? entry.value : undefined;
  };

  return {
    async create(record) {
      const value = integrationRecordSchema.parse(record);
      try {
        await kv.create(keys.integration(value.org, value.id), encodeJson(value));
      } catch (err) {
        if (isWrongLastSequence(err)) throw new StoreConflictError(`integration ${value.org}/${value.id} already exists`);
        throw err;
      }
    },

    get,

    async list(org) {
      const filter = org === undefined ? keys.integrationsAll : keys.integrationsOfOrg(org);
      const names: string[] = [];
      names.push(...(await listKeys(kv, filter)));
      const records = await Promise.all(names.sort().map(async (k) => {
        const parsed = keys.parseIntegration(k);
        return parsed ? get(parsed.org, parsed.integration) : undefined;
      }));
      return records.filter((r): r is IntegrationRecord => r !== undefined);
    },

    async update(org, id, mutate) {
      const updated = await casUpdateJson(kv, keys.integration(org, id), integrationRecordSchema, (current) => {
        if (!current) throw new StoreNotFoundError(`integration ${org}/${id} not found`);
        const next = mutate(current.value);
        if (next.org !== org || next.id !== id) throw new Error(`update may not move integration ${org}/${id} to ${next.org}/${next.id}`);
        return next;
      }, { logger, maxAttempts: opts.maxAttempts });
      return updated.value;
    },

    async purge(org, id) {
      // KV purge rolls the key's whole history up into one empty PURGE marker: config and ciphertext
      // are gone from the stream, and a later create of the same id still works.
      await kv.purge(keys.integration(org, id));
    },

    watch(signal) {
      return watchIntegrations(kv, signal, logger);
    },
  };
}

async function* watchIntegrations(kv: KV, signal: AbortSignal, logger: WarnLogger): AsyncGenerator<IntegrationChange> {
  if (signal.aborted) return;
  const iter = await kv.watch({ key: keys.integrationsAll, include: KvWatchInclude.LastValue });
  const stop = () => iter.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const e of iter) {
      if (signal.aborted) return;
      const where = keys.parseIntegration(e.key);
      if (!where) {
        logger.warn({ bucket: e.bucket, key: e.key }, 'unexpected key in the integrations bucket: skipped');
        continue;
      }
      const { org, integration: id } = where;
      if (e.operation !== 'PUT') {
        // a delete marker among the initial values is a key that no longer exists: nothing to report
        if (e.isUpdate) yield { op: 'del', org, id };
        continue;
      }
      const record = decodeJson(e, integrationRecordSchema, logger);
      if (record && belongsTo(record, org, id, logger)) yield { op: 'put', org, id, record };
    }
  } finally {
    signal.removeEventListener('abort', stop);
    iter.stop();
  }
}

/** A record stored under another integration's key is corrupt: serving it would leak across orgs. */
function belongsTo(record: IntegrationRecord, org: string, id: string, logger: WarnLogger): boolean {
  if (record.org === org && record.id === id) return true;
  logger.warn({ key: keys.integration(org, id), recordOrg: record.org, recordId: record.id }, 'integration record does not match its key: skipped');
  return false;
}
