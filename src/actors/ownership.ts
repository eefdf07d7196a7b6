// Who runs which integration when several engine instances share a NATS cluster.
//
// Each instance holds one lease, KV `byo_leases/<instance>`, renewed with compare-and-set every
// BYO_OWNER_RENEW_MS; the bucket's max age (BYO_OWNER_CLAIM_TTL_MS) removes it when its instance dies
// (nats-server 2.9 has no per-key TTL; the max age counts from the server's stamp of the last write).
// A claim is KV `byo_claims/<org>.<integration>` = instance id, in a bucket without max age: written
// when taken, then left alone while the lease lives. One write a second per instance instead of one per
// integration (1,000 idle integrations spent a quarter of their engine's CPU renewing claims, and a
// cluster of 10,000 would take 10,000 replicated writes a second for nothing).
//
// The rules that keep two instances from running one integration:
//  1. An instance runs an integration only after writing its claim under a confirmed lease, and only
//     until that lease's fence time (below). A claim that is already its own is written again.
//  2. Another instance takes a claim only after proving its holder's lease gone: AFTER reading the
//     claim, it writes a tombstone over the lease entry it read (compare-and-set, or create when there
//     is none), then writes the claim over the revision it read. A stale read fails one of the two.
//  3. An instance whose lease renewal is refused (lapsed or tombstoned) closes everything, takes a new
//     lease over whatever is there, and writes each claim again (rule 1): a claim taken meanwhile by
//     another instance has moved on, so its compare-and-set fails.
//
// Self-fencing: each lease write is timed on the local monotonic clock from the moment it was SENT. The
// server stamps it later, so the lease cannot lapse (and nobody can prove it gone) before sentAt + TTL.
// The owner closes its integrations' binds once sentAt + BYO_OWNER_FENCE_MS passes without a newer
// confirmed write; fence < TTL leaves the rest of the TTL for the sockets to close.
//
// Balance: each integration has a preferred instance, by rendezvous hashing over the live instances
// (those whose state snapshot in `byo_state` is fresh). An owner that is not the preferred one hands the
// integration over, a few per renewal, so a new instance gets its share without a rebind storm.
import { createHash, randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { isWrongLastSequence } from '../adapters/nats/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** a lease entry that proves nothing: its instance is gone (written by whoever proved it) */
const TOMBSTONE = 'gone';

/** Writes only if `revision` is still the key's last; 0: only if the key has no entry (nats.js's
 * kv.update refuses 0, and kv.create would not tell a delete marker from a live entry). */
const casPut = (kv: KV, key: string, value: Uint8Array, revision: number, timeout?: number): Promise<number> =>
  kv.put(key, value, timeout === undefined ? { previousSeq: revision } : { previousSeq: revision, timeout });

/** 'unknown': the renewal did not get an answer (NATS slow or away); the fence decides */
export type RenewOutcome = 'ours' | 'lost' | 'unknown';

/** monotonic milliseconds (performance.now), injectable for tests */
export type MonotonicClock = () => number;

/** A renewal's answer is useful until the fence; half of it leaves room for one retry (an answer lost
 * in a NATS node change) and lets a loaded cluster take longer than one renew interval. */
export const renewTimeoutMs = (renewMs: number, fenceMs: number): number => Math.max(renewMs, Math.floor(fenceMs / 2));

export interface OwnerClaimsOptions {
  /** KV `byo_claims`: integration key -> instance id */
  claims: KV;
  /** KV `byo_leases` (max age = the lease TTL): instance id -> `live <process token>` or the tombstone */
  leases: KV;
  me: string;
  logger: Logger;
  fenceMs: number;
  clock?: MonotonicClock;
  /** a lease renewal waits this long for its answer (then 'unknown': the next one is due) */
  renewTimeoutMs?: number;
}

export class OwnerClaims {
  /** our lease: its KV revision for compare-and-set, and when the write that confirmed it was sent */
  private lease: { revision: number; sentAt: number } | undefined;
  /** bumped whenever the lease is lost: a claim written under an older one does not count */
  private generation = 0;
  /** claims written under the current lease: key -> claim revision */
  private readonly held = new Map<string, number>();
  /** the last proof that an instance is gone, per instance: claims read before it starts share it */
  private readonly proofs = new Map<string, { started: boolean; result: Promise<boolean> }>();
  /** our lease was taken by another live process with our instance id: not taken back while it lives */
  private sharedId = false;
  /** this process's lease value: tells our own lease (a renewal whose answer was lost) from another's */
  private readonly liveValue = `live ${randomBytes(6).toString('hex')}`;
  private readonly clock: MonotonicClock;

  constructor(private readonly o: OwnerClaimsOptions) {
    this.clock = o.clock ?? (() => performance.now());
  }

  /** A confirmed lease whose fence time has not passed: claims may be written. */
  hasLease(now = this.clock()): boolean {
    return this.lease !== undefined && now < this.lease.sentAt + this.o.fenceMs;
  }

  /**
   * Renews our lease, or takes one when we have none. 'lost': another write replaced or outlived it:
   * every claim is dropped here (the caller closes what ran under them) and the next call takes a new one.
   */
  async renewLease(): Promise<RenewOutcome> {
    const value = enc.encode(this.liveValue);
    let sentAt = this.clock();
    if (this.lease) {
      try {
        this.lease = { revision: await casPut(this.o.leases, this.o.me, value, this.lease.revision, this.o.renewTimeoutMs), sentAt };
        return 'ours';
      } catch (err) {
        if (!isWrongLastSequence(err)) return 'unknown';
      }
    }
    const entry = await this.o.leases.get(this.o.me).catch(() => undefined);
    if (entry === undefined) return 'unknown';
    const held = entry?.operation === 'PUT' ? dec.decode(entry.value) : TOMBSTONE;
    if (this.lease && held !== this.liveValue) {
      this.loseLease();
      // another live process under our instance id took it: a restart of this instance would not
      // have found us running, so two processes share BYO_INSTANCE_ID. The newer one keeps it
      this.sharedId = held !== TOMBSTONE;
      this.o.logger[this.sharedId ? 'error' : 'warn']({ instance: this.o.me }, this.sharedId
        ? 'another engine process took this instance\'s ownership lease: BYO_INSTANCE_ID must be unique per process; closing every integration here until its lease lapses'
        : 'this instance\'s ownership lease lapsed; closing its integrations and claiming again');
      return 'lost';
    }
    if (this.sharedId && held !== TOMBSTONE) return 'unknown';
    this.sharedId = false;
    // none yet, or ours with its answer lost: write over what is there (a previous process of this
    // instance, a tombstone), timed from this write
    sentAt = this.clock();
    try {
      this.lease = { revision: await casPut(this.o.leases, this.o.me, value, entry?.revision ?? 0, this.o.renewTimeoutMs), sentAt };
      return 'ours';
    } catch {
      return 'unknown';
    }
  }

  /** Takes an integration: unclaimed, ours (written again), or its holder's lease proven gone. */
  async claim(key: string): Promise<boolean> {
    if (!this.hasLease()) return false;
    const generation = this.generation;
    const entry = await this.o.claims.get(key).catch(() => undefined);
    if (entry === undefined) return false;
    if (entry?.operation === 'PUT') {
      const holder = dec.decode(entry.value);
      if (holder === this.o.me) {
        if (this.held.get(key) === entry.revision) return true;
      } else if (!(await this.holderGone(holder))) return false;
    }
    try {
      const revision = await casPut(this.o.claims, key, enc.encode(this.o.me), entry?.revision ?? 0);
      if (generation !== this.generation) return false; // the lease was lost meanwhile: rule 1
      this.held.set(key, revision);
      return true;
    } catch {
      return false;
    }
  }

  /** Who holds `key` (undefined: nobody, or the claim could not be read). */
  async holder(key: string): Promise<string | undefined> {
    const entry = await this.o.claims.get(key).catch(() => null);
    return entry?.operation === 'PUT' ? dec.decode(entry.value) : undefined;
  }

  /**
   * Rule 2. Claims whose reads finished before the proof starts share it: after an instance died, its
   * integrations are taken in a few writes, not one tombstone each (those would refuse each other).
   */
  private holderGone(instance: string): Promise<boolean> {
    const last = this.proofs.get(instance);
    if (last && !last.started) return last.result;
    // one at a time per instance (two would refuse each other's tombstone), each a turn later than the
    // claim read that asked for it, so the reads that arrive together share it
    const proof = { started: false, result: Promise.resolve(false) };
    proof.result = (last?.result ?? Promise.resolve(false))
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        proof.started = true;
        return this.proveGone(instance);
      });
    this.proofs.set(instance, proof);
    void proof.result.then(() => { if (this.proofs.get(instance) === proof) this.proofs.delete(instance); });
    return proof.result;
  }

  private async proveGone(instance: string): Promise<boolean> {
    const entry = await this.o.leases.get(instance).catch(() => undefined);
    if (entry === undefined) return false;
    if (entry?.operation === 'PUT' && dec.decode(entry.value) !== TOMBSTONE) return false; // alive
    try {
      await casPut(this.o.leases, instance, enc.encode(TOMBSTONE), entry?.revision ?? 0);
      return true;
    } catch {
      return false; // a newer lease, or another prover first: try again at the next renewal
    }
  }

  /** When the binds of `key` must be closed unless a newer lease write is confirmed first (monotonic ms). */
  fenceAt(key: string): number | undefined {
    return this.held.has(key) && this.lease ? this.lease.sentAt + this.o.fenceMs : undefined;
  }

  /** The earliest fence time of these claims: -Infinity when one is not held (due now), Infinity for none. */
  earliestFence(keys: Iterable<string>): number {
    let at = Infinity;
    for (const k of keys) {
      const t = this.fenceAt(k) ?? -Infinity;
      if (t < at) at = t;
    }
    return at;
  }

  /** Claims whose fence time has passed at `now`. */
  overdue(keys: Iterable<string>, now = this.clock()): string[] {
    return [...keys].filter((k) => (this.fenceAt(k) ?? -Infinity) <= now);
  }

  /** Gives a claim up (shutdown, hand-over, delete): only if it is still ours. */
  async release(key: string): Promise<void> {
    const revision = this.held.get(key);
    this.held.delete(key);
    if (revision === undefined) return;
    await this.o.claims.delete(key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Forgets a claim without touching KV (it is someone else's now, or its lease is gone). */
  drop(key: string): void {
    this.held.delete(key);
  }

  /** At shutdown, after every claim is released: the others need not wait for the lease to lapse. */
  async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.loseLease();
    if (lease) await this.o.leases.delete(this.o.me, { previousSeq: lease.revision }).catch(() => undefined);
  }

  private loseLease(): void {
    this.lease = undefined;
    this.generation += 1;
    this.held.clear();
  }
}

/** Rendezvous (highest random weight) hashing: stable, and moving only 1/n of the keys when n changes. */
export function preferredInstance(key: string, instances: readonly string[]): string | undefined {
  if (instances.length <= 1) return instances[0];
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

/**
 * preferredInstance, remembered until the live instances change: the renewal asks it for every
 * integration every second (a SHA-1 per live instance each: ~1 ms a second per 1,000 integrations).
 */
export class PreferredInstances {
  private instances: readonly string[] = [];
  private readonly memo = new Map<string, string | undefined>();

  /** the live instances now; forgets every answer when they changed */
  set live(instances: readonly string[]) {
    const sorted = [...instances].sort();
    if (sorted.length === this.instances.length && sorted.every((x, i) => x === this.instances[i])) return;
    this.instances = sorted;
    this.memo.clear();
  }

  get live(): readonly string[] { return this.instances; }

  of(key: string): string | undefined {
    if (this.memo.has(key)) return this.memo.get(key);
    const p = preferredInstance(key, this.instances);
    this.memo.set(key, p);
    return p;
  }
}
