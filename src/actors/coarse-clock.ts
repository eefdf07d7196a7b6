// The clock every integration's actors (integration, binds) run their XState timers on. A delay of at
// least `minMs` is rounded up to the next multiple of `gridMs`, and all timers due at one grid point
// share one Node timer: 3,000 idle binds' enquire_link intervals fire in about one event-loop wake-up a
// second instead of a hundred, and their writes (and the SMSC's answers) come together. Shorter delays
// (a bind stagger, a short test setting) are kept exact. Nothing later than `gridMs` late: a 30 s
// keep-alive fires within [30 s, 31 s) at the default BYO_ACTOR_TIMER_GRID_MS.

/** XState's Clock (createActor's `clock` option; xstate does not export the type) */
export interface ActorClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Slot {
  timer: NodeJS.Timeout;
  entries: Set<Entry>;
}

interface Entry {
  fn: () => void;
  due: number;
}

type Handle = Entry | NodeJS.Timeout;

export class CoarseClock implements ActorClock {
  private readonly slots = new Map<number, Slot>();

  /**
   * `perTurn`: at most this many callbacks of one grid point run in one event-loop turn, the rest in the
   * next turns (setImmediate): 300 keep-alive writes at once held the loop ~30 ms, a stall every second
   * for whatever else the engine was doing; in chunks, I/O runs in between and no wake-up is added.
   */
  constructor(private readonly gridMs: number, private readonly perTurn = Infinity, private readonly minMs = 5 * gridMs,
    private readonly now: () => number = Date.now) {}

  setTimeout(fn: () => void, ms: number): Handle {
    if (this.gridMs <= 1 || ms < this.minMs) return setTimeout(fn, ms);
    const due = Math.ceil((this.now() + ms) / this.gridMs) * this.gridMs;
    let slot = this.slots.get(due);
    if (!slot) {
      slot = { timer: setTimeout(() => this.fire(due), due - this.now()), entries: new Set() };
      this.slots.set(due, slot);
    }
    const entry: Entry = { fn, due };
    slot.entries.add(entry);
    return entry;
  }

  clearTimeout(h: unknown): void {
    const handle = h as Handle | undefined;
    if (handle === undefined) return;
    if (!('due' in handle)) return clearTimeout(handle);
    const slot = this.slots.get(handle.due);
    if (!slot?.entries.delete(handle) || slot.entries.size > 0) return;
    clearTimeout(slot.timer);
    this.slots.delete(handle.due);
  }

  /** timers waiting, for tests */
  get pending(): number {
    let n = 0;
    for (const s of this.slots.values()) n += s.entries.size;
    return n;
  }

  private fire(due: number): void {
    const slot = this.slots.get(due);
    if (slot) this.run(due, slot, slot.entries.values());
  }

  /** The slot stays listed until it is done, so a timer cancelled before its turn comes does not run. */
  private run(due: number, slot: Slot, entries: Iterator<Entry>): void {
    // one callback throwing must not keep the others from running; the first error is rethrown
    // afterwards, as a Node timer of its own would have thrown it
    let failed: { err: unknown } | undefined;
    for (let n = 0; n < this.perTurn; n++) {
      const next = entries.next();
      if (next.done) {
        if (this.slots.get(due) === slot) this.slots.delete(due);
        if (failed) throw failed.err;
        return;
      }
      slot.entries.delete(next.value);
      try {
        next.value.fn();
      } catch (err) {
        failed ??= { err };
      }
    }
    setImmediate(() => this.run(due, slot, entries));
    if (failed) throw failed.err;
  }
}
