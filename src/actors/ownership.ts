// Who runs which integration when several engine instances share a NATS cluster.
//
// A claim is a KV entry `byo_owners/<org>.<integration>` = instance id, taken with create (or with
// compare-and-set over a delete marker) and renewed with compare-and-set on our own revision, so an
// instance that lost its claim (it stalled past the bucket's max age and another took over) finds out
// at its next renewal instead of overwriting the new owner. Claims lapse with the bucket's max age
// (BYO_OWNER_CLAIM_TTL_MS) when their owner dies: nats-server 2.9 has no per-key TTL, and the bucket's
// max age counts from the server's timestamp of the last write.
//
// Self-fencing: every write that takes or renews a claim is timed on the local monotonic clock from
// the moment the request was SENT. The server stamps the write later than that, so the claim cannot
// lapse (and nobody else can create it) before sentAt + TTL. The owner closes the integration's binds
// once sentAt + BYO_OWNER_FENCE_MS passes without a newer confirmed write; fence < TTL leaves the
// rest of the TTL for the sockets to close. A slow round trip only delays the confirmation, never
// moves sentAt later, so it can cost a needless fence but never an overlap.
//
// Balance: each integration has a preferred instance, by rendezvous hashing over the live instances
// (those whose state snapshot in `byo_state` is fresh). Any instance takes an unclaimed integration
// (fast failover); an owner that is not the preferred one hands the integration over, a few per
// renewal, so a new instance gets its share without a rebind storm.
import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { isWrongLastSequence } from '../adapters/nats/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** 'unknown': the renewal did not get an answer (NATS slow or away); the fence decides */
export type RenewOutcome = 'ours' | 'lost' | 'unknown';

/** monotonic milliseconds (performance.now), injectable for tests */
export type MonotonicClock = () => number;

interface Lease { revision: number; sentAt: number }

/**
 * Compare-and-set writes for the renewals, which are one per claim per second: FastKv over a JsPublisher
 * whose ack timeout is the renewal's (see renewTimeoutMs). nats.js's kv.update builds an Error (with a
 * stack), a timer and a deferred for each: 1% of a core at 1,000 idle integrations, and garbage.
 */
export interface ClaimWrites {
  update(key: string, value: Uint8Array, revision: number): Promise<{ seq: number }>;
}

/** A renewal's answer is useful until the fence; half of it leaves room for one retry (an answer lost
 * in a NATS node change) and lets a loaded cluster take longer than one renew interval. */
export const renewTimeoutMs = (renewMs: number, fenceMs: number): number => Math.max(renewMs, Math.floor(fenceMs / 2));

export class OwnerClaims {
  /** our claims: KV revision for compare-and-set, and when the write that confirmed it was sent */
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly kv: KV, private readonly me: string, private readonly logger: Logger,
    private readonly fenceMs: number, private readonly clock: MonotonicClock = () => performance.now(),
    /** a renewal waits this long for its answer (then 'unknown': the next one is due) */
    private readonly renewTimeoutMs?: number,
    /** the renewals' writes (their own timeout); without: the KV client's update */
    private readonly renewals?: ClaimWrites,
  ) {}

  /** Takes an unclaimed integration (or re-confirms, with a write, one that is already ours). */
  async claim(key: string): Promise<boolean> {
    let sentAt = this.clock();
    try {
      this.leases.set(key, { revision: await this.kv.create(key, enc.encode(this.me)), sentAt });
      return true;
    } catch {
      const entry = await this.kv.get(key).catch(() => null);
      if (entry?.operation === 'PUT' && dec.decode(entry.value) !== this.me) return false;
      // ours (a restart, or a renewal whose answer was lost) or a delete/purge marker: write over
      // that revision, so the lease is timed from a write we sent
      sentAt = this.clock();
      try {
        this.leases.set(key, { revision: await this.kv.update(key, enc.encode(this.me), entry?.revision ?? 0), sentAt });
        return true;
      } catch {
        return false;
      }
    }
  }

  /** Renews a claim. 'lost': another instance owns it now and we must stop running it. */
  async renew(key: string): Promise<RenewOutcome> {
    const lease = this.leases.get(key);
    if (lease) {
      const sentAt = this.clock();
      try {
        const value = enc.encode(this.me);
        const revision = this.renewals
          ? (await this.renewals.update(key, value, lease.revision)).seq
          : await this.kv.update(key, value, lease.revision, this.renewTimeoutMs);
        this.leases.set(key, { revision, sentAt });
        return 'ours';
      } catch (err) {
        if (!isWrongLastSequence(err)) return 'unknown';
        // fall through: expired (nobody took it: claim again) or taken
      }
    }
    if (await this.claim(key)) return 'ours';
    this.leases.delete(key);
    this.logger.warn({ integration: key }, 'another instance owns this integration now; stopping it here');
    return 'lost';
  }

  /** When the binds of `key` must be closed unless a newer write is confirmed first (monotonic ms). */
  fenceAt(key: string): number | undefined {
    const lease = this.leases.get(key);
    return lease && lease.sentAt + this.fenceMs;
  }

  /** Claims whose fence time has passed at `now`. */
  overdue(keys: Iterable<string>, now = this.clock()): string[] {
    return [...keys].filter((k) => (this.fenceAt(k) ?? -Infinity) <= now);
  }

  /** Gives a claim up (shutdown, hand-over, delete): only if it is still ours. */
  async release(key: string): Promise<void> {
    const lease = this.leases.get(key);
    this.leases.delete(key);
    if (lease === undefined) return;
    await this.kv.delete(key, { previousSeq: lease.revision }).catch(() => undefined);
  }

  /** Forgets a claim without touching KV (it is someone else's now, or it lapses by itself). */
  drop(key: string): void {
    this.leases.delete(key);
  }
}

/** Rendezvous (highest random weight) hashing: stable, and moving only 1/n of the keys when n changes. */
export function preferredInstance(key: string, instances: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = '';
  for (const instance of instances) {
    const score = createHash('sha1').update(`${instance}\n${key}`).digest('hex');
    if (best === undefined || score > bestScore) {
      best = instance;
      bestScore = score;
    }
  }
  return best;
}
