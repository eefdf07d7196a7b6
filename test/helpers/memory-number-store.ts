// In-memory NumberStore for HTTP and actor unit tests: same contract as the KV store (keyed by
// digits across all orgs, records zod-checked, copies in and out so callers cannot alias state).
import { numberRecordSchema, type NumberRecord, type NumberStore } from '../../src/domain/numbers.js';
import { digits } from '../../src/adapters/nats/subjects.js';

export interface MemoryNumberStore extends NumberStore {
  /** the raw map, for assertions */
  readonly records: Map<string, NumberRecord>;
}

export function createMemoryNumberStore(opts: { now?: () => Date; seed?: NumberRecord[] } = {}): MemoryNumberStore {
  const now = opts.now ?? (() => new Date());
  const records = new Map<string, NumberRecord>();
  const copy = (r: NumberRecord): NumberRecord => structuredClone(r);
  for (const r of opts.seed ?? []) records.set(digits(r.e164), numberRecordSchema.parse(copy(r)));

  const list = async (): Promise<NumberRecord[]> =>
    [...records.values()].map(copy).sort((a, b) => a.e164.localeCompare(b.e164));

  return {
    records,
    async claim(record) {
      const key = digits(record.e164);
      const holder = records.get(key);
      if (holder) return { takenBy: { org: holder.org, integration: holder.integration, state: holder.state } };
      records.set(key, numberRecordSchema.parse(copy(record)));
      return 'claimed';
    },
    async get(e164) {
      const r = records.get(digits(e164));
      return r ? copy(r) : undefined;
    },
    list,
    async listByOrg(org) {
      return (await list()).filter((r) => r.org === org);
    },
    async listByIntegration(org, integration) {
      return (await list()).filter((r) => r.org === org && r.integration === integration);
    },
    async setState(e164, state) {
      const key = digits(e164);
      const r = records.get(key);
      if (!r) return undefined;
      if (r.state === state) return copy(r);
      const next = { ...r, state, updatedAt: now().toISOString() };
      records.set(key, next);
      return copy(next);
    },
    async release(e164, owner) {
      const key = digits(e164);
      const r = records.get(key);
      if (!r || (owner && r.org !== owner.org)) return undefined;
      records.delete(key);
      return r ? copy(r) : undefined;
    },
  };
}
