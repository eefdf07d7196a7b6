// Who runs which integration when several engine instances share a NATS cluster.
//
// A claim is a KV entry `byo_owners/<org>.<integration>` = instance id, taken with create (or with
// compare-and-set over a delete marker) and renewed with compare-and-set on our own revision, so an
// instance that lost its claim (it stalled past the bucket's max age and another took over) finds out
// at its next renewal instead of overwriting the new owner. Claims lapse with the bucket's max age
// when their owner dies.
//
// Balance: each integration has a preferred instance, by rendezvous hashing over the live instances
// (those whose state snapshot in `byo_state` is fresh). Any instance takes an unclaimed integration
// (fast failover); an owner that is not the preferred one hands the integration over, a few per
// renewal, so a new instance gets its share without a rebind storm.
import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';

const enc = new TextEncoder();
const dec = new TextDecoder();

export type ClaimOutcome = 'ours' | 'taken';

export class OwnerClaims {
  /** our claims' KV revisions, for compare-and-set renewals */
  private readonly revisions = new Map<string, number>();

  constructor(private readonly kv: KV, private readonly me: string, private readonly logger: Logger) {}

  /** Takes an unclaimed integration (or confirms one that is already ours). */
  async claim(key: string): Promise<boolean> {
    try {
      this.revisions.set(key, await this.kv.create(key, enc.encode(this.me)));
      return true;
    } catch {
      const entry = await this.kv.get(key).catch(() => null);
      if (entry?.operation === 'PUT') {
        if (dec.decode(entry.value) !== this.me) return false;
        this.revisions.set(key, entry.revision);
        return true;
      }
      // a delete or purge marker: take it with compare-and-set on that revision
      try {
        this.revisions.set(key, await this.kv.update(key, enc.encode(this.me), entry?.revision ?? 0));
        return true;
      } catch {
        return false;
      }
    }
  }

  /** Renews a claim; false means another instance owns it now and we must stop running it. */
  async renew(key: string): Promise<boolean> {
    const revision = this.revisions.get(key);
    if (revision !== undefined) {
      try {
        this.revisions.set(key, await this.kv.update(key, enc.encode(this.me), revision));
        return true;
      } catch {
        // fall through: expired (nobody took it: claim again) or taken
      }
    }
    const ours = await this.claim(key);
    if (!ours) {
      this.revisions.delete(key);
      this.logger.warn({ integration: key }, 'another instance owns this integration now; stopping it here');
    }
    return ours;
  }

  /** Gives a claim up (shutdown, hand-over, delete): only if it is still ours. */
  async release(key: string): Promise<void> {
    const revision = this.revisions.get(key);
    this.revisions.delete(key);
    if (revision === undefined) return;
    await this.kv.delete(key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Forgets a claim without touching KV (it is someone else's now). */
  drop(key: string): void {
    this.revisions.delete(key);
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
