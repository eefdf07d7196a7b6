// "A submit was just recorded on this instance." A receipt can overtake its submit_sm_resp (or our
// record of it); the inbound side holds such a receipt and retries when this signal fires, instead of
// polling the tracking KV on a fixed period.
export class RecordSignal {
  private waiters: (() => void)[] = [];

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** resolves at the next notify(), or after `ms` at the latest */
  next(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }
}
