// What the console's fleet view shows beside the live state: messages/s, time of the last submit and
// last receipt, and failure causes counted over the last hour. Counted in the instance that owns the
// integration by observing the outbound metrics port (engine.ts wraps it), so the message path does
// not change; the queue depth is read from JetStream (a port, implemented over NATS).
import type { OutboundMetrics } from './outbound-metrics.js';

/** the rate is averaged over this window */
export const ACTIVITY_RATE_WINDOW_MS = 10_000;
/** failure causes are counted over this window, in one-minute buckets */
export const ACTIVITY_FAILURE_WINDOW_MS = 3_600_000;
const BUCKET_MS = 60_000;

export interface IntegrationActivity {
  messagesPerSecond: number;
  lastSubmitAt: string | null;
  lastReceiptAt: string | null;
  /** submit_sm outcomes other than ESME_ROK (command_status name or code, `timeout`, `closed`…) over the last hour */
  failuresLastHour: Record<string, number>;
}

export interface FleetStats {
  activity(org: string, integration: string): IntegrationActivity;
  /** MT messages in JetStream (waiting or being sent) per `<org>.<integration>`; absent means none */
  queueDepths(): Promise<Map<string, number>>;
}

interface Counters {
  submits: number[]; // submit times within the rate window (ms)
  lastSubmit?: number;
  lastReceipt?: number;
  failures: Map<number, Map<string, number>>; // minute bucket start → cause → count
}

export class FleetActivity {
  private readonly byIntegration = new Map<string, Counters>();
  constructor(private readonly now: () => Date) {}

  private of(org: string, integration: string): Counters {
    const key = `${org}.${integration}`;
    let c = this.byIntegration.get(key);
    if (!c) this.byIntegration.set(key, (c = { submits: [], failures: new Map() }));
    return c;
  }

  private prune(c: Counters, t: number): void {
    while (c.submits.length && c.submits[0]! <= t - ACTIVITY_RATE_WINDOW_MS) c.submits.shift();
    for (const bucket of c.failures.keys()) if (bucket <= t - ACTIVITY_FAILURE_WINDOW_MS) c.failures.delete(bucket);
  }

  submitOutcome(org: string, integration: string, status: string): void {
    const t = this.now().getTime();
    const c = this.of(org, integration);
    this.prune(c, t);
    if (status === 'ESME_ROK' || status === '0x00000000') {
      c.submits.push(t);
      c.lastSubmit = t;
      return;
    }
    const bucket = t - (t % BUCKET_MS);
    const causes = c.failures.get(bucket) ?? new Map<string, number>();
    causes.set(status, (causes.get(status) ?? 0) + 1);
    c.failures.set(bucket, causes);
  }

  receipt(org: string, integration: string): void {
    this.of(org, integration).lastReceipt = this.now().getTime();
  }

  activity(org: string, integration: string): IntegrationActivity {
    const t = this.now().getTime();
    const c = this.of(org, integration);
    this.prune(c, t);
    const failuresLastHour: Record<string, number> = {};
    for (const causes of c.failures.values()) for (const [cause, n] of causes) failuresLastHour[cause] = (failuresLastHour[cause] ?? 0) + n;
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return {
      messagesPerSecond: Math.round((c.submits.length / (ACTIVITY_RATE_WINDOW_MS / 1000)) * 10) / 10,
      lastSubmitAt: iso(c.lastSubmit), lastReceiptAt: iso(c.lastReceipt), failuresLastHour,
    };
  }

  forget(org: string, integration: string): void {
    this.byIntegration.delete(`${org}.${integration}`);
  }

  /** `inner` with every submit outcome and receipt also counted here */
  observe(inner: OutboundMetrics): OutboundMetrics {
    return {
      ...inner,
      status: (s) => inner.status(s),
      submitted: (l) => inner.submitted(l),
      mo: (o, i, k) => inner.mo(o, i, k),
      submitOutcome: (org, integration, status) => {
        this.submitOutcome(org, integration, status);
        inner.submitOutcome(org, integration, status);
      },
      deliverSm: (org, integration, kind) => {
        if (kind === 'receipt') this.receipt(org, integration);
        inner.deliverSm(org, integration, kind);
      },
    };
  }
}
