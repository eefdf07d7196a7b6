// A user of the engine under load: publishes MT messages with JetStream (many publishes in flight, each
// with Nats-Msg-Id = id) and times each one from the publish call to the arrival of its `submitted`
// (or `delivered`) status on a core subscription to byo.status.>.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { BenchIntegration } from './processes.js';

/** the same text in every scenario, the raw baseline included: one GSM segment */
export const BENCH_TEXT = 'Your verification code is 482913. It expires in 10 minutes. Do not share it with anyone.';

/** destination number of message `i`: the index is recoverable from the submit_sm's destination_addr */
export const destinationOf = (i: number): string => `+1666${String(i).padStart(7, '0')}`;
export const indexOfDestination = (addr: string): number => Number(addr.slice(-7));

export interface LoadOptions {
  /** how many messages */
  count: number;
  /** JetStream publishes awaiting their ack at once */
  publishesInFlight: number;
  /** closed loop: at most this many published messages without their `submitted` status */
  maxOutstanding: number;
  /** open loop at this many messages per second instead of as fast as possible */
  ratePerSecond?: number;
  timeoutMs: number;
  /** the status that completes a message: `submitted` (default) or `delivered` (needs an SMSC sending receipts) */
  until?: 'submitted' | 'delivered';
}

export interface LoadResult {
  /** publish → `submitted` (or `until`) per message (ms), NaN when none arrived */
  latencyMs: Float64Array;
  /** publish-call time of each message (performance.now()) */
  publishedAt: Float64Array;
  submitted: number;
  firstPublishAt: number;
  lastSubmittedAt: number;
  lastPublishAt: number;
  publishErrors: number;
  otherStatuses: Record<string, number>;
}

export class MtLoad {
  private round = 0;
  private onStatus: ((id: string, state: string, at: number) => void) | undefined;

  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient) {}

  static async connect(url: string): Promise<MtLoad> {
    const nc = await connect({ servers: url, name: 'byo-bench' });
    const load = new MtLoad(nc, jetstream(nc));
    nc.subscribe('byo.status.>', {
      callback: (err, m) => {
        if (err || !load.onStatus) return;
        const at = performance.now();
        const s = JSON.parse(m.string()) as { id: string; state: string };
        load.onStatus(s.id, s.state, at);
      },
    });
    await nc.flush();
    return load;
  }

  /**
   * Sends `count` messages round-robin over the integrations and resolves once each has its `submitted`
   * status (or the timeout passed: the missing ones stay NaN).
   */
  run(integrations: readonly BenchIntegration[], o: LoadOptions): Promise<LoadResult> {
    const prefix = `r${++this.round}-`;
    const latencyMs = new Float64Array(o.count).fill(Number.NaN);
    const publishedAt = new Float64Array(o.count).fill(Number.NaN);
    const subjects = integrations.map((i) => `byo.mt.${i.org}.${i.id}`);
    const result: LoadResult = {
      latencyMs, publishedAt, submitted: 0, firstPublishAt: Number.NaN, lastSubmittedAt: Number.NaN, lastPublishAt: Number.NaN,
      publishErrors: 0, otherStatuses: {},
    };
    let sent = 0;
    let publishing = 0;
    let pumping = false;
    const startedAt = performance.now();

    return new Promise<LoadResult>((resolve) => {
      let pacer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearInterval(pacer);
        clearTimeout(deadline);
        this.onStatus = undefined;
        resolve(result);
      };
      const deadline = setTimeout(finish, o.timeoutMs);

      this.onStatus = (id, state, at) => {
        if (!id.startsWith(prefix)) return;
        const i = Number(id.slice(prefix.length));
        if (state !== (o.until ?? 'submitted')) {
          if (state === 'submitted') return;
          result.otherStatuses[state] = (result.otherStatuses[state] ?? 0) + 1;
          return;
        }
        if (!Number.isNaN(latencyMs[i]!)) return;
        latencyMs[i] = at - publishedAt[i]!;
        result.submitted++;
        result.lastSubmittedAt = at;
        if (result.submitted === o.count) finish();
        else if (o.ratePerSecond === undefined) pump();
      };

      const publishOne = () => {
        const i = sent++;
        const k = i % integrations.length;
        const id = `${prefix}${i}`;
        const payload = JSON.stringify({ id, from: integrations[k]!.sender, to: destinationOf(i), text: BENCH_TEXT });
        const at = performance.now();
        publishedAt[i] = at;
        if (i === 0) result.firstPublishAt = at;
        result.lastPublishAt = at;
        publishing++;
        this.js.publish(subjects[k]!, payload, { msgID: id }).then(
          () => { publishing--; if (o.ratePerSecond === undefined) pump(); },
          () => { publishing--; result.publishErrors++; if (o.ratePerSecond === undefined) pump(); },
        );
      };

      // closed loop: as fast as JetStream acks, with bounded publishes in flight and bounded outstanding messages
      const pump = () => {
        if (pumping) return;
        pumping = true;
        while (sent < o.count && publishing < o.publishesInFlight && sent - result.submitted < o.maxOutstanding) publishOne();
        pumping = false;
      };

      if (o.ratePerSecond === undefined) {
        pump();
      } else {
        // open loop at a steady rate: every tick, publish what the schedule says is due
        const rate = o.ratePerSecond;
        pacer = setInterval(() => {
          const due = Math.min(o.count, Math.floor(((performance.now() - startedAt) / 1000) * rate) + 1);
          while (sent < due) publishOne();
          if (sent >= o.count) clearInterval(pacer);
        }, 1);
      }
    });
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }
}
