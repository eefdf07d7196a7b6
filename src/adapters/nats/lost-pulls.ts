// nats-server before 2.9.16 drops a pull request that expires while messages are flowing without the
// 408 that tells the client so (fixed upstream by nats-server df282a221, "Fix Pull Consumer not sending
// request timeout"; Debian 12 ships 2.9.10). nats.js then still counts that request's messages as
// pending, does not pull again, and the lane gets nothing until two idle heartbeats are missed: one
// pull lifetime (BYO_MT_PULL_EXPIRES_MS) while its messages wait in JetStream. In bench/production.ts
// that stall was the steady phase's p99 and delayed lanes in the burst by up to 9 s.
//
// The watchdog mirrors the pull requests nats.js sends (its `next` notifications). A request cannot be
// alive on the server after its expiry; so once nats.js counts more messages pending than the requests
// that may still be alive could hold, for `graceMs` after their expiry, the difference was lost with a
// missing 408. The watchdog then does what that 408 would have done: forgets the difference and pulls.
// It reaches into nats.js's PullConsumerMessagesImpl (`pending`, `pull`, `pullOptions`, @nats-io/jetstream
// 3.x): no public API re-pulls. If those are missing it does nothing and says so (heartbeats still recover).
import type { ConsumerMessages } from '@nats-io/jetstream';
import { serverAtLeast } from './connection.js';

/** the parts of nats.js's PullConsumerMessagesImpl the watchdog uses */
interface PullInternals {
  pending: { msgs: number };
  pull(opts: { batch?: number }): void;
  pullOptions(): { batch?: number };
}

function internals(m: ConsumerMessages): PullInternals | undefined {
  const c = m as unknown as Partial<PullInternals>;
  return typeof c.pending?.msgs === 'number' && typeof c.pull === 'function' && typeof c.pullOptions === 'function'
    ? c as PullInternals : undefined;
}

/** nats-server versions with the silent drop (df282a221 is in 2.9.16 and later) */
export function dropsExpiredPulls(serverVersion: string): boolean {
  return !serverAtLeast(serverVersion, '2.9.16');
}

interface Watched {
  pull: PullInternals;
  /** requests seen, oldest first, with the time after which the server must have ended them (expiry + grace) */
  requests: { batch: number; deadline: number }[];
  /** the sum of `requests`' batches */
  alive: number;
  /** the previous check found more pending than alive: a lost request is acted on only if it stays so */
  suspect: boolean;
  onLost: (messages: number) => void;
}

export interface LostPullsOptions {
  /** how long after a pull's expiry its 408 may still be on its way (BYO_MT_PULL_LOST_GRACE_MS) */
  graceMs: number;
  now?: () => number;
  /** told once if nats.js lacks the internals to re-pull with */
  warn?: (message: string) => void;
}

/** One per engine: one timer checks every watched consumer each graceMs / 2 (O(1) each, nothing allocated). */
export class LostPulls {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private warned = false;

  constructor(private readonly opts: LostPullsOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Watches `messages` (a consume() of pulls lasting `expiresMs`); `onLost` hears of each recovery.
   * Returns false when nats.js's internals are not there to act on (then nothing is watched).
   */
  watch(messages: ConsumerMessages, expiresMs: number, onLost: (messages: number) => void): boolean {
    const pull = internals(messages);
    if (!pull) {
      if (!this.warned) this.opts.warn?.('nats.js has no pull internals to re-pull with: a lost pull waits for two missed heartbeats');
      this.warned = true;
      return false;
    }
    const w: Watched = { pull, requests: [], alive: 0, suspect: false, onLost };
    this.watched.add(w);
    const seen = (batch: number) => {
      w.requests.push({ batch, deadline: this.now() + expiresMs + this.opts.graceMs });
      w.alive += batch;
    };
    seen(Math.max(0, pull.pending.msgs)); // the initial pull went out before we could listen
    void (async () => {
      for await (const ev of messages.status()) if (ev.type === 'next') seen(ev.options.batch ?? 0);
    })().finally(() => this.unwatch(w));
    void messages.closed().finally(() => this.unwatch(w));
    this.timer ??= setInterval(() => this.check(), Math.max(1, Math.floor(this.opts.graceMs / 2))).unref();
    return true;
  }

  /** One pass over every watched consumer (the timer calls it; tests call it with their clock). */
  check(): void {
    const now = this.now();
    for (const w of this.watched) {
      // all pulls share one lifetime, so the oldest is first to go: no allocation per check
      while (w.requests.length > 0 && w.requests[0]!.deadline <= now) w.alive -= w.requests.shift()!.batch;
      const lost = w.pull.pending.msgs - w.alive;
      if (lost <= 0 || !w.suspect) {
        // a pull nats.js has just counted may not have reached us as `next` yet: wait one more check
        w.suspect = lost > 0;
        continue;
      }
      w.suspect = false;
      w.pull.pending.msgs -= lost;
      const opts = w.pull.pullOptions();
      if ((opts.batch ?? 0) > 0) w.pull.pull(opts);
      w.onLost(lost);
    }
  }

  get size(): number {
    return this.watched.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }

  private unwatch(w: Watched): void {
    this.watched.delete(w);
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
