// In-memory IntegrationStore with the KV store's semantics: records validated at the boundary,
// copies in and out, per-key revisions with compare-and-set retries, purge as a delete event,
// and watch() replaying current records before live changes.
import {
  integrationRecordSchema, StoreConflictError, StoreNotFoundError,
  type IntegrationChange, type IntegrationRecord, type IntegrationStore,
} from '../../src/domain/integration-record.js';

interface Entry {
  record: IntegrationRecord;
  revision: number;
}

const keyOf = (org: string, id: string): string => `${org}.${id}`;
const copy = <T>(v: T): T => structuredClone(v);

export class MemoryIntegrationStore implements IntegrationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: IntegrationChange) => void>();
  private revision = 0;
  private inHook = false;
  /** Runs between reading and committing an update: tests stage a concurrent writer here. */
  beforeCommit: ((org: string, id: string, attempt: number) => Promise<void> | void) | undefined;
  /** Counts commits, so a test can assert a rejected request wrote nothing. */
  writes = 0;

  constructor(readonly maxAttempts = 10) {}

  async create(record: IntegrationRecord): Promise<void> {
    const valid = integrationRecordSchema.parse(record);
    const key = keyOf(valid.org, valid.id);
    if (this.entries.has(key)) throw new StoreConflictError(`integration ${key} already exists`);
    this.commit(key, valid);
  }

  async get(org: string, id: string): Promise<IntegrationRecord | undefined> {
    const entry = this.entries.get(keyOf(org, id));
    return entry ? copy(entry.record) : undefined;
  }

  async list(org?: string): Promise<IntegrationRecord[]> {
    return [...this.entries.values()].map((e) => e.record)
      .filter((r) => org === undefined || r.org === org).map(copy);
  }

  async update(org: string, id: string, mutate: (current: IntegrationRecord) => IntegrationRecord): Promise<IntegrationRecord> {
    const key = keyOf(org, id);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const seen = this.entries.get(key);
      if (!seen) throw new StoreNotFoundError(`integration ${key} not found`);
      const next = integrationRecordSchema.parse(mutate(copy(seen.record)));
      if (next.org !== org || next.id !== id) throw new Error(`update may not move integration ${key} to ${next.org}.${next.id}`);
      if (this.beforeCommit && !this.inHook) {
        this.inHook = true; // the staged writer's own updates commit straight through
        try {
          await this.beforeCommit(org, id, attempt);
        } finally {
          this.inHook = false;
        }
      }
      const latest = this.entries.get(key);
      if (!latest) throw new StoreNotFoundError(`integration ${key} not found`);
      if (latest.revision !== seen.revision) continue; // someone wrote in between: re-read, re-apply
      this.commit(key, next);
      return copy(next);
    }
    throw new StoreConflictError(`integration ${key} kept changing during ${this.maxAttempts} update attempts`);
  }

  async purge(org: string, id: string): Promise<void> {
    this.entries.delete(keyOf(org, id));
    this.writes++;
    this.emit({ op: 'del', org, id });
  }

  async *watch(signal: AbortSignal): AsyncIterable<IntegrationChange> {
    // Subscribe and snapshot in the same synchronous step so no change falls between them.
    const queue: IntegrationChange[] = [];
    let wake: (() => void) | undefined;
    const listener = (change: IntegrationChange): void => {
      queue.push(change);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort);
    const snapshot = [...this.entries.values()].map((e) => copy(e.record));
    try {
      for (const record of snapshot) {
        if (signal.aborted) return;
        yield { op: 'put', org: record.org, id: record.id, record };
      }
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stable JSON of everything stored, for "the store is unchanged" assertions. */
  dump(): string {
    return JSON.stringify([...this.entries.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  private commit(key: string, record: IntegrationRecord): void {
    this.entries.set(key, { record: copy(record), revision: ++this.revision });
    this.writes++;
    this.emit({ op: 'put', org: record.org, id: record.id, record: copy(record) });
  }

  private emit(change: IntegrationChange): void {
    for (const listener of this.listeners) listener(copy(change));
  }
}
