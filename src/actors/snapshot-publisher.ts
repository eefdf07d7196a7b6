// Writes this instance's state snapshot (KV `byo_state`) soon after something changed, so GET /v1/state
// on another instance is current within about `debounceMs` instead of one renew interval, while a burst
// of changes (30 integrations binding at once) costs one write per `debounceMs`, not one per change.

export interface SnapshotPublisherOptions {
  /** writes the snapshot as it is now */
  write: () => Promise<void>;
  /** changes within this many ms of the first one are written together */
  debounceMs: number;
  onError: (err: unknown) => void;
}

export class SnapshotPublisher {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** snapshot writes made (requested and direct), for tests and measurements */
  writes = 0;

  constructor(private readonly o: SnapshotPublisherOptions) {}

  /** Something changed: write within `debounceMs` (one write for everything that changes meanwhile). */
  changed(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.now().catch(this.o.onError);
    }, this.o.debounceMs);
    this.timer.unref();
  }

  /** Write at once (the renewal's refresh); writes are serialized, so the last one written is the newest. */
  now(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const next = this.writing.catch(() => undefined).then(() => {
      this.writes++;
      return this.o.write();
    });
    this.writing = next;
    return next;
  }

  /** No more writes; resolves when the one under way (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing.catch(() => undefined);
  }
}
