// An idle integration's MT consumer parks: it stops pulling and listens instead. A pull that is always
// open costs, per idle integration and pull lifetime, a pull request, its 408, two heartbeats and a
// heartbeat-monitor timer in nats.js: at 1,000 idle integrations that was ~4% of a core (docs/performance.md).
//
// Parking happens only where nothing can be in flight to the consumer: at the re-pull nats.js makes once
// every request it had out has ended (pending 0) without a message since the last one. Then:
//   1. a core subscription on the integration's subject (a JetStream publish reaches it too) wakes it;
//   2. once the server has that subscription (flush), the consumer's info must show nothing waiting and
//      nothing unacknowledged (a nak with delay is unacknowledged): anything published before step 1 is
//      counted there, anything after reaches step 1;
//   3. what could still slip past (a publish on another cluster node before our interest reached it; a
//      disconnect) is caught by waking every parked consumer when NATS reconnects, and by a sweep that
//      reads which MT subjects hold messages (one stream-info request per engine, BYO_MT_PARKED_CHECK_MS).
// It reaches into nats.js's PullConsumerMessagesImpl (`pull`, `pending`, `received`: see lost-pulls.ts);
// without them a consumer simply never parks.
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { NatsHandle } from './connection.js';
import { STREAMS, consumers, subjects } from './subjects.js';

interface PullHook {
  pending: { msgs: number };
  received: number;
  pull(opts: { batch?: number }): void;
}

/**
 * Makes `messages` call `park` (once, in a microtask) instead of pulling again when no request is out,
 * no message came since the last pull it let through, that pull is at least half a lifetime old, and
 * `mayPark()` agrees. False when nats.js lacks the internals (the consumer then pulls as before).
 */
export function parkWhenIdle(messages: ConsumerMessages, expiresMs: number, mayPark: () => boolean, park: () => void, now: () => number = Date.now): boolean {
  const p = messages as unknown as Partial<PullHook>;
  if (typeof p.pull !== 'function' || typeof p.pending?.msgs !== 'number' || typeof p.received !== 'number') return false;
  const hook = p as PullHook;
  const pull = hook.pull.bind(messages);
  let lastPullAt = now();
  let receivedAtPull = hook.received;
  let parked = false;
  hook.pull = (opts) => {
    if (parked) return;
    if (hook.pending.msgs <= 0 && hook.received === receivedAtPull && now() - lastPullAt >= expiresMs / 2 && mayPark()) {
      parked = true;
      queueMicrotask(park);
      return;
    }
    lastPullAt = now();
    receivedAtPull = hook.received;
    pull(opts);
  };
  return true;
}

export interface ParkingLotOptions {
  nats: NatsHandle;
  /** BYO_MT_PARKED_CHECK_MS: how often parked consumers' subjects are looked at for messages */
  checkMs: number;
  warn: (err: unknown, message: string) => void;
}

interface Parked {
  subject: string;
  wake: (why: string) => void;
}

/** One per engine: wakes parked consumers on a reconnect, and when the sweep finds their subject holds messages. */
export class ParkingLot {
  private readonly parked = new Set<Parked>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** wake-ups by reason, for tests and the bench */
  readonly woken = { message: 0, waiting: 0, reconnect: 0, sweep: 0, error: 0 };

  constructor(private readonly o: ParkingLotOptions) {
    void (async () => {
      for await (const s of o.nats.status()) if (s.type === 'nats.reconnected') this.wakeAll('reconnect');
    })().catch(() => undefined);
  }

  get size(): number {
    return this.parked.size;
  }

  /**
   * Parks the consumer of `org`/`integration`: `onWake` runs once, when a message may be there (or at once,
   * asynchronously, if one is). The returned function unparks without waking (the lane stops).
   */
  park(org: string, integration: string, onWake: (why: string) => void): () => void {
    const { nc, jsm } = this.o.nats;
    let sub: Subscription | undefined;
    const entry: Parked = {
      subject: subjects.mt(org, integration),
      wake: (why) => {
        if (!this.parked.delete(entry)) return;
        sub?.unsubscribe();
        this.woken[why as keyof ParkingLot['woken']]++;
        onWake(why);
      },
    };
    this.parked.add(entry);
    this.timer ??= setInterval(() => void this.sweep(), this.o.checkMs).unref();
    try {
      sub = nc.subscribe(entry.subject, { max: 1, callback: () => entry.wake('message') });
    } catch (err) {
      this.o.warn(err, 'cannot listen for MT messages while parked; pulling instead');
      queueMicrotask(() => entry.wake('error'));
      return () => this.unpark(entry, sub);
    }
    void nc.flush()
      .then(() => jsm.consumers.info(STREAMS.mt, consumers.mt(org, integration)))
      .then((ci) => { if (ci.num_pending + ci.num_ack_pending > 0) entry.wake('waiting'); }, (err: unknown) => {
        if (!this.parked.has(entry) || this.stopped) return;
        this.o.warn(err, 'cannot confirm a parked MT consumer is empty; pulling instead');
        entry.wake('error');
      });
    return () => this.unpark(entry, sub);
  }

  /** Looks at which MT subjects hold messages; wakes the parked consumers of those. */
  async sweep(): Promise<void> {
    if (this.parked.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    try {
      const si = await this.o.nats.jsm.streams.info(STREAMS.mt, { subjects_filter: subjects.mtAll });
      const held = si.state.subjects ?? {};
      for (const p of [...this.parked]) if ((held[p.subject] ?? 0) > 0) p.wake('sweep');
    } catch (err) {
      if (!this.stopped) this.o.warn(err, 'cannot read which MT subjects hold messages; parked consumers wait for the next sweep');
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const p of this.parked) this.unpark(p, undefined);
  }

  private wakeAll(why: string): void {
    for (const p of [...this.parked]) p.wake(why);
  }

  private unpark(entry: Parked, sub: Subscription | undefined): void {
    this.parked.delete(entry);
    sub?.unsubscribe();
  }
}
