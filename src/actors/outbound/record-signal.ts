// "A submit was just recorded on this instance." A receipt can overtake its submit_sm_resp (or our
// record of it); the inbound side holds such a receipt and retries when this signal fires, instead of
// polling the tracking KV on a fixed period. A waiter that names its receipt ids is woken only by the
// record of a message with one of those ids (in either base, as receipts are matched), so a held
// receipt no longer re-reads the tracking KV after every other message's record; its timeout still
// bounds the wait (a record written by another instance is only seen by reading).
import { receiptKeys, submitKey } from '../../domain/index.js';

interface Waiter { keys: readonly string[] | undefined; wake: () => void }

/** a record still being written after this long is no longer counted as pending (its writer gave up or died) */
const PENDING_MAX_AGE_MS = 10 * 60_000;

export class RecordSignal {
  /** waiters by the submit keys they wait for, and those that wait for any record: a record wakes its
   *  own waiters without scanning the others (thousands are held while a saturated engine records) */
  private readonly byKey = new Map<string, Set<Waiter>>();
  private readonly anyRecord = new Set<Waiter>();
  /** submit keys of records being written on this instance (a NATS fault can make that take a while) → since */
  private readonly pending = new Map<string, number>();
  /** records of this instance that failed at least once and are being retried (a NATS fault), by message */
  private readonly failing = new Set<string>();

  /** a record failed and is being retried (`failing`), or was written at last */
  recordFailing(message: string, failing: boolean): void {
    if (failing) this.failing.add(message);
    else this.failing.delete(message);
  }

  /**
   * Is a record of this instance being retried after a failure? Then the tracking store is unhealthy and a
   * receipt's miss proves nothing: its record may be one of those (a session closed before its resp was
   * read, an owner claim lost), even when no record in progress names its id.
   */
  get recordsFailing(): boolean {
    return this.failing.size > 0;
  }

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
    const woken = new Set<Waiter>(this.anyRecord);
    if (recorded) {
      for (const k of recorded) for (const w of this.byKey.get(k) ?? []) woken.add(w);
    } else {
      for (const ws of this.byKey.values()) for (const w of ws) woken.add(w);
    }
    for (const w of woken) {
      this.remove(w);
      w.wake();
    }
  }

  /** resolves at the next notify() for one of `receiptIds` (any, without them), or after `ms` at the latest */
  next(ms: number, receiptIds?: readonly string[]): Promise<void> {
    const keys = receiptIds ? [...new Set(receiptIds.flatMap(receiptKeys))] : undefined;
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { keys, wake: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        this.remove(waiter);
        resolve();
      }, ms);
      if (!keys) this.anyRecord.add(waiter);
      else for (const k of keys) this.byKey.set(k, (this.byKey.get(k) ?? new Set()).add(waiter));
    });
  }

  /** receipts waiting (for metrics and tests) */
  get waiting(): number {
    const all = new Set(this.anyRecord);
    for (const ws of this.byKey.values()) for (const w of ws) all.add(w);
    return all.size;
  }

  private remove(w: Waiter): void {
    if (!w.keys) {
      this.anyRecord.delete(w);
      return;
    }
    for (const k of w.keys) {
      const ws = this.byKey.get(k);
      if (!ws) continue;
      ws.delete(w);
      if (ws.size === 0) this.byKey.delete(k);
    }
  }
}
