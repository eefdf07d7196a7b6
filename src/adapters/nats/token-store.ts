// Org API tokens in KV `byo_tokens`, one key per token id (`t.<id>`); the value names the org and
// holds the SHA-256 of the secret only. Revocation purges the key, guarded by the revision read.
import type { KV } from '@nats-io/kv';
import { apiTokenRecordSchema, type ApiTokenRecord, type ApiTokenStore } from '../../domain/index.js';
import { decodeJson, encodeJson, getJson, isLive, listKeys, type WarnLogger } from './kv-json.js';
import { keys } from './subjects.js';

export function createKvTokenStore(kv: KV, logger: WarnLogger): ApiTokenStore {
  return {
    async create(record) {
      await kv.create(keys.apiToken(record.id), encodeJson(apiTokenRecordSchema.parse(record)));
    },
    async get(id) {
      return (await getJson(kv, keys.apiToken(id), apiTokenRecordSchema, logger))?.value;
    },
    async listByOrg(org) {
      const out: ApiTokenRecord[] = [];
      for (const key of await listKeys(kv)) {
        const entry = await kv.get(key);
        const record = isLive(entry) ? decodeJson(entry, apiTokenRecordSchema, logger) : undefined;
        if (record?.org === org) out.push(record);
      }
      return out;
    },
    async revoke(org, id) {
      const found = await getJson(kv, keys.apiToken(id), apiTokenRecordSchema, logger);
      if (!found || found.value.org !== org) return false;
      await kv.purge(keys.apiToken(id), { previousSeq: found.revision });
      return true;
    },
  };
}
