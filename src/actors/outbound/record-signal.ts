// "A submit was just recorded on this instance." A receipt can overtake its submit_sm_resp (or our
// record of it); the inbound side holds such a receipt and retries when this signal fires, instead of
// polling the tracking KV on a fixed period. A waiter that names its receipt ids is woken only by the
// record of a message with one of those ids (in either base, as receipts are matched), so a held
// receipt no longer re-reads the tracking KV after every other message's record; its timeout still
// bounds the wait (a record written by another instance is only seen by reading).
import { receiptKeys, submitKey } from '../../domain/index.js';

interface Waiter { keys: ReadonlySet<string> | undefined; wake: () => void }

export class RecordSignal {
  private waiters: Waiter[] = [];

  /** `smscIds`: the recorded message's submit_sm_resp ids; without them every waiter wakes */
  notify(smscIds?: readonly string[]): void {
    if (this.waiters.length === 0) return;
    const recorded = smscIds?.map(submitKey).filter((k): k is string => k !== undefined);
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
