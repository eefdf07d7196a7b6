// ApiTokenStore in memory, for HTTP tests (the KV one is tested on a real nats-server).
import type { ApiTokenRecord, ApiTokenStore } from '../../src/domain/index.js';

export class MemoryTokenStore implements ApiTokenStore {
  readonly records = new Map<string, ApiTokenRecord>();
  async create(record: ApiTokenRecord): Promise<void> {
    if (this.records.has(record.id)) throw new Error(`token ${record.id} exists`);
    this.records.set(record.id, { ...record });
  }
  async get(id: string): Promise<ApiTokenRecord | undefined> {
    return this.records.get(id);
  }
  async listByOrg(org: string): Promise<ApiTokenRecord[]> {
    return [...this.records.values()].filter((r) => r.org === org);
  }
  async revoke(org: string, id: string): Promise<boolean> {
    const r = this.records.get(id);
    if (!r || r.org !== org) return false;
    return this.records.delete(id);
  }
}
