// "A submit was just recorded on this instance." A receipt can overtake its submit_sm_resp (or our
// record of it); the inbound side holds such a receipt and retries when this signal fires, instead of
// polling the tracking KV on a fixed period. A waiter that names its receipt ids is woken only by the
// record of a message with one of those ids (in either base, as receipts are matched), so a held
// receipt no longer re-reads the tracking KV after every other message's record; its timeout still
// bounds the wait (a record written by another instance is only seen by reading).
import { receiptKeys, submitKey } from '../../domain/index.js';

interface Waiter { keys: ReadonlySet<string> | undefined; wake: () => void }

/** a record still being written after this long is no longer counted as pending (its writer gave up or died) */
const PENDING_MAX_AGE_MS = 10 * 60_000;

export class RecordSignal {
  private waiters: Waiter[] = [];
  /** submit keys of records being written on this instance (a NATS fault can make that take a while) → since */
  private readonly pending = new Map<string, number>();

  /** a submit with these segment ids is being recorded here: a receipt for it is worth holding */
  recording(smscIds: readonly string[]): void {
    const now = Date.now();
    for (const id of smscIds) {
      const k = submitKey(id);
      if (k !== undefined && !this.pending.has(k)) this.pending.set(k, now);
    }
    // oldest first (insertion order): drop the ones whose writer is long gone
    for (const [k, since] of this.pending) {
      if (now - since < PENDING_MAX_AGE_MS) break;
      this.pending.delete(k);
    }
  }

  /** is a submit one of these receipt ids could match being recorded here right now? */
  isRecording(receiptIds: readonly string[]): boolean {
    if (this.pending.size === 0) return false;
    const now = Date.now();
    return receiptIds.some((id) => receiptKeys(id).some((k) => now - (this.pending.get(k) ?? -Infinity) < PENDING_MAX_AGE_MS));
  }

  /** `smscIds`: the recorded message's submit_sm_resp ids; without them every waiter wakes */
  notify(smscIds?: readonly string[]): void {
    const recorded = smscIds?.map(submitKey).filter((k): k is string => k !== undefined);
    if (recorded) for (const k of recorded) this.pending.delete(k);
    if (this.waiters.length === 0) return;
    const woken: Waiter[] = [];
    const kept: Waiter[] = [];
    for (const w of this.waiters) {
      (!recorded || !w.keys || recorded.some((k) => w.keys!.has(k)) ? woken : kept).push(w);
    }
    this.waiters = kept;
    for (const w of woken) w.wake();
  }

  /** resolves at the next notify() for one of `receiptIds` (any, without them), or after `ms` at the latest */
  next(ms: number, receiptIds?: readonly string[]): Promise<void> {
    const keys = receiptIds ? new Set(receiptIds.flatMap(receiptKeys)) : undefined;
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { keys, wake: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, ms);
      this.waiters.push(waiter);
    });
  }
}
