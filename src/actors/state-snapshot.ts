// This instance's state snapshot in KV `byo_state` (instance-snapshot.ts has the layout): written at each
// owner renewal and soon after an integration here changes (SnapshotPublisher's debounce). The views are
// asked of the actors only when one of them counted a change since the last write: the snapshot is
// written every second, and at 3,000 idle integrations visiting every actor for it was ~1.3% of a core
// (docs/performance.md, "The idle snapshot without a visit per actor"), for views that had not changed.
import type { KV } from '@nats-io/kv';
import type { ChangeCounter } from '../adapters/smpp/index.js';
import { InstanceSnapshotWriter } from './instance-snapshot.js';
import { SnapshotPublisher } from './snapshot-publisher.js';

export type { ChangeCounter };

export interface StateSnapshotOptions {
  kv: KV;
  instanceId: string;
  /** each value's bound (instance-snapshot.ts) */
  chunkBytes: number;
  /** changes within this many ms of the first one are written together */
  debounceMs: number;
  /** the actors whose views it lists */
  actors: () => Iterable<{ viewJson(): string }>;
  /** counted by each actor when its view may have changed, and when one comes or goes (CountingMap) */
  viewChanges: ChangeCounter;
  /** false: write nothing now (older instances run the integrations: legacy-owners.ts) */
  mayWrite: () => boolean;
  onError: (err: unknown) => void;
}

export class StateSnapshot {
  /** the views the last write was built from, and the count they were built at */
  private last: { changes: number; jsons: string[] } | undefined;
  private readonly writer: InstanceSnapshotWriter;
  private readonly publisher: SnapshotPublisher;

  constructor(private readonly o: StateSnapshotOptions) {
    this.writer = new InstanceSnapshotWriter(o.kv, o.instanceId, o.chunkBytes);
    this.publisher = new SnapshotPublisher({
      write: async () => { if (o.mayWrite()) await this.writer.write(this.viewJsons()); },
      debounceMs: o.debounceMs, onError: o.onError,
    });
  }

  /** every actor's view as JSON: the same array as last time while no change was counted */
  viewJsons(): string[] {
    const changes = this.o.viewChanges.changes;
    if (this.last?.changes === changes) return this.last.jsons;
    const jsons = Array.from(this.o.actors(), (a) => a.viewJson());
    this.last = { changes, jsons };
    return jsons;
  }

  /** something others should see soon changed: write within the debounce */
  changed(): void { this.publisher.changed(); }

  /** write now (the renewal's refresh: the head's write time is this instance's liveness) */
  now(): Promise<void> { return this.publisher.now(); }

  /** snapshot writes made, for tests and measurements */
  get writes(): number { return this.publisher.writes; }

  /** no more writes; the one under way, if any, finishes */
  stop(): Promise<void> { return this.publisher.stop(); }

  /** deletes the snapshot (a stopping instance) */
  remove(): Promise<void> { return this.writer.remove(); }
}

/** A Map that counts each entry set or deleted on `changes` (the actors a snapshot lists). */
export class CountingMap<K, V> extends Map<K, V> {
  constructor(private readonly counter: ChangeCounter) {
    super();
  }

  override set(key: K, value: V): this {
    this.counter.changes++;
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.counter.changes++;
    return had;
  }

  override clear(): void {
    this.counter.changes++;
    super.clear();
  }
}
