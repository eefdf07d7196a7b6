// Watches desired state in KV and keeps one IntegrationActor per integration this instance owns.
// Ownership (ownership.ts): one lease per instance (KV `byo_leases`), claims written once under it (KV
// `byo_claims`); integrations spread over the live instances by rendezvous hashing, handed over a few per
// renewal. When the lease was not confirmed within the fence time, every integration here is closed at
// once (its sockets dropped), before the lease can lapse for anyone else.
import type { KV } from '@nats-io/kv';
import { keys } from '../adapters/nats/index.js';
import { type FleetStateView, type IntegrationRecord, type IntegrationStore, type IntegrationStateView, type StateView } from '../domain/index.js';
import { fleetState, liveFleet } from './fleet-view.js';
import { IntegrationActor, type IntegrationActorDeps } from './integration-actor.js';
import { OwnerClaims, PreferredInstances, renewTimeoutMs, type MonotonicClock } from './ownership.js';
import { CountingMap, StateSnapshot, type ChangeCounter } from './state-snapshot.js';
import { FenceTimer } from './fence-timer.js';

export interface SupervisorDeps extends Omit<IntegrationActorDeps, 'record' | 'onDeleted' | 'viewChanges'> {
  store: IntegrationStore;
  /** KV `byo_claims` and `byo_leases` (ownership.ts) */
  claimsKv: KV; leasesKv: KV;
  /** other instances' snapshots (KV `byo_state`) for a cluster-wide GET /v1/state */
  stateKv: KV;
  /** renew this instance's lease and refresh its state snapshot at this interval */
  ownerRenewMs: number;
  /** at most this many integrations handed to their preferred instance per renewal */
  ownerHandoffsPerRenew: number;
  /** when the lease write sent this long ago is still the newest confirmed one, every integration here is closed (< lease TTL) */
  ownerFenceMs: number;
  /** its snapshot is split into values of at most this many bytes (< the server's max_payload); default: engine.limits */
  stateSnapshotChunkBytes?: number;
  /** monotonic ms for the fence; tests inject one */
  clock?: MonotonicClock;
  /** false: no claim, no snapshot now (older instances run integrations, and hand them to what has one: legacy-owners.ts) */
  mayClaimAny?: () => boolean;
}

export class Supervisor implements StateView {
  /** counted by every actor here when its view may have changed, and by `actors` when one comes or goes */
  private readonly viewChanges: ChangeCounter = { changes: 0 };
  readonly actors = new CountingMap<string, IntegrationActor>(this.viewChanges);
  private readonly latest = new Map<string, IntegrationRecord>();
  private readonly abort = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  /** true once every record that existed at start-up has been applied */
  reconciled = false;
  private readonly claims: OwnerClaims;
  /** live instances (this one included), as of the last renewal, and each integration's preferred one */
  private readonly preferred = new PreferredInstances();
  /** integrations another live instance listed in its snapshot at the last renewal: claimed, no need to ask KV */
  private runningElsewhere = new Set<string>();
  /** integrations seen unclaimed but preferred by another live instance: since when (ms) */
  private readonly unclaimedSince = new Map<string, number>();
  private renewing = false;
  /** actors being stopped (unbinding, draining): still under our claim, renewed and fenced until gone */
  private readonly closing = new Map<string, IntegrationActor>();
  private readonly fences: FenceTimer;
  private readonly clock: MonotonicClock;
  /** this instance's snapshot in `byo_state`: at each renewal, and soon after an integration changes here */
  readonly snapshots: StateSnapshot;

  constructor(private readonly deps: SupervisorDeps) {
    this.clock = deps.clock ?? (() => performance.now());
    this.fences = new FenceTimer(this.clock, () => void this.checkFences());
    this.claims = new OwnerClaims({
      claims: deps.claimsKv, leases: deps.leasesKv, me: deps.instanceId, logger: deps.logger, fenceMs: deps.ownerFenceMs,
      clock: this.clock, renewTimeoutMs: renewTimeoutMs(deps.ownerRenewMs, deps.ownerFenceMs),
    });
    this.preferred.live = [deps.instanceId];
    this.snapshots = new StateSnapshot({
      kv: deps.stateKv, instanceId: deps.instanceId, chunkBytes: deps.stateSnapshotChunkBytes ?? deps.engine.limits.stateSnapshotChunkBytes,
      debounceMs: deps.engine.timers.stateSnapshotDebounceMs, actors: () => this.actors.values(), viewChanges: this.viewChanges,
      mayWrite: () => deps.mayClaimAny?.() !== false, onError: (err) => deps.logger.warn({ err }, 'writing the state snapshot failed'),
    });
    deps.events.on('changed', (_actor, change) => { if (change !== 'capacity') this.snapshots.changed(); });
    deps.events.on('started', () => this.snapshots.changed());
    deps.events.on('stopped', () => this.snapshots.changed());
  }

  async start(): Promise<void> {
    // a lease to claim under (if NATS does not answer now, a renewal takes one); announce ourselves, so the others hand us our share
    await this.claims.renewLease();
    await this.snapshots.now();
    await this.readLiveFleet();
    const initial = (await this.deps.store.list()).length;
    let seen = 0;
    if (initial === 0) this.reconciled = true;
    void (async () => {
      try {
        for await (const change of this.deps.store.watch(this.abort.signal)) {
          const key = keys.integration(change.org, change.id);
          if (change.op === 'put') {
            this.latest.set(key, change.record);
            await this.reconcile(key);
          } else {
            this.latest.delete(key);
            await this.stopActor(key);
          }
          if (!this.reconciled && ++seen >= initial) this.reconciled = true;
        }
      } catch (err) {
        if (!this.abort.signal.aborted) this.deps.logger.error({ err }, 'integration watch ended');
      }
    })();
    (this.renewTimer = setInterval(() => void this.renew(), this.deps.ownerRenewMs)).unref();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.abort.abort();
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.fences.stop();
    await this.snapshots.stop();
    await Promise.all([...this.actors.values()].map((a) => a.shutdown(timeoutMs)));
    for (const [key, a] of this.actors) {
      await this.deps.events.emit('stopped', a).catch((err: unknown) => this.deps.logger.warn({ err, integration: key }, 'cleanup after stop failed'));
      await this.claims.release(key);
    }
    this.actors.clear();
    await this.claims.releaseLease();
    await this.snapshots.remove().catch(() => undefined);
  }

  private async reconcile(key: string, fromRenewal = false): Promise<void> {
    const record = this.latest.get(key);
    if (!record) return;
    let actor = this.actors.get(key);
    if (!actor) {
      // still unbinding here: a new actor now would bind beside the old one's binds
      if (this.closing.has(key)) return;
      if (!(await this.mayClaim(key, fromRenewal)) || !(await this.claims.claim(key))) return;
      if (this.closing.has(key)) return;
      this.unclaimedSince.delete(key);
      if (!this.abort.signal.aborted) this.fences.include(this.claims.fenceAt(key));
      // The watch and the renewal both reconcile: another call may have started this key's actor while
      // this one awaited the claim. A second actor would run untracked, with its own binds, forever.
      actor = this.actors.get(key) ?? this.startActor(record);
      if (!actor) return;
    }
    actor.apply(this.latest.get(key) ?? record);
  }

  /**
   * The preferred instance claims at once; another one only when the integration has stayed unclaimed
   * for a whole renew interval (its preferred instance is gone or cannot take it).
   */
  private async mayClaim(key: string, fromRenewal: boolean): Promise<boolean> {
    if (this.deps.mayClaimAny?.() === false) return false;
    if (this.preferred.of(key) === this.deps.instanceId) return true;
    // a live instance runs it (its snapshot says so): claimed, no KV read ((instances - 1) x integrations a second)
    if (this.runningElsewhere.has(key)) { this.unclaimedSince.delete(key); return false; }
    // held by a live instance: not ours to take. Ours from before (a lease lost and taken again, a
    // restart): written again at once. Held by an instance that is gone: like unclaimed (claim() proves it).
    const holder = await this.claims.holder(key);
    if (holder === this.deps.instanceId) return true;
    if (holder !== undefined && this.preferred.live.includes(holder)) { this.unclaimedSince.delete(key); return false; }
    const since = this.unclaimedSince.get(key);
    if (since === undefined) this.unclaimedSince.set(key, Date.now());
    return fromRenewal && since !== undefined && Date.now() - since >= this.deps.ownerRenewMs;
  }

  private startActor(record: IntegrationRecord): IntegrationActor | undefined {
    const key = keys.integration(record.org, record.id);
    try {
      const actor = new IntegrationActor({ ...this.deps, record, onDeleted: (a) => void this.erase(a), viewChanges: this.viewChanges });
      this.actors.set(key, actor);
        this.deps.events.notify('started', actor);
      return actor;
    } catch (err) {
      this.deps.logger.error({ err, org: record.org, integration: record.id }, 'cannot start integration actor');
      return undefined;
    }
  }

  /** The machine reached `deleted` (binds unbound): release what hangs off it, then erase the record. */
  private async erase(actor: IntegrationActor): Promise<void> {
    const key = keys.integration(actor.org, actor.id);
    try {
      await this.deps.events.emit('deleted', actor.org, actor.id);
      await this.deps.store.purge(actor.org, actor.id);
    } catch (err) {
      this.deps.logger.error({ err, org: actor.org, integration: actor.id }, 'erasing a deleted integration failed; will retry');
      setTimeout(() => void this.erase(actor), this.deps.ownerRenewMs).unref();
      return;
    }
    await this.stopActor(key);
  }

  /** `release` false: the claim is another instance's already, leave it alone */
  private async stopActor(key: string, release = true): Promise<void> {
    const actor = this.actors.get(key);
    if (!actor) return;
    this.actors.delete(key);
    this.closing.set(key, actor);
    try {
      await this.deps.events.emit('stopping', actor).catch((err: unknown) => this.deps.logger.warn({ err, integration: key }, 'draining before stop failed'));
      await actor.shutdown(this.deps.engine.timers.deactivateTimeoutMs);
      await this.deps.events.emit('stopped', actor).catch((err: unknown) => this.deps.logger.warn({ err, integration: key }, 'cleanup after stop failed'));
    } finally {
      if (this.closing.get(key) === actor) this.closing.delete(key);
    }
    if (release) await this.claims.release(key);
    else this.claims.drop(key);
  }

  /**
   * Self-fencing: the lease may lapse soon (no write confirmed within the fence time) or is lost.
   * Drops the integration's sockets at once, without waiting for unbind_resp or in-flight messages
   * (their JetStream messages come back to whoever owns the integration next).
   */
  private async fence(key: string, why: string): Promise<void> {
    const actor = this.actors.get(key) ?? this.closing.get(key);
    this.claims.drop(key);
    if (!actor) return;
    this.deps.logger.warn({ integration: key, why, fenceMs: this.deps.ownerFenceMs }, 'closing the integration\'s binds: this instance\'s ownership lease is not confirmed');
    const running = this.actors.get(key) === actor;
    this.actors.delete(key);
    this.closing.set(key, actor);
    try {
      await actor.shutdown(0);
      if (running) await this.deps.events.emit('stopped', actor).catch((err: unknown) => this.deps.logger.warn({ err, integration: key }, 'cleanup after fence failed'));
    } finally {
      if (this.closing.get(key) === actor) this.closing.delete(key);
    }
  }

  private claimedKeys(): string[] { return [...this.actors.keys(), ...this.closing.keys()]; }

  /** The fence timer at the earliest fence time of what we run; re-armed after every renewal. */
  private armFence(): void {
    if (this.abort.signal.aborted) this.fences.stop();
    else this.fences.armAt(Math.min(this.claims.earliestFence(this.actors.keys()), this.claims.earliestFence(this.closing.keys())));
  }

  private async checkFences(): Promise<void> {
    await Promise.all(this.claims.overdue(this.claimedKeys()).map((key) => this.fence(key, 'fence time passed')));
    this.armFence();
  }

  /** Renews our lease, hands over a few integrations, picks up unowned ones, publishes our snapshot. */
  private async renew(): Promise<void> {
    if (this.renewing) return; // a slow round (hand-overs wait for unbinds) must not overlap the next
    this.renewing = true;
    try {
      // the lease first, beside the snapshot and the fleet read, whose failures (or seconds under load)
      // must not keep it from being renewed: that fenced every integration here
      await Promise.all([
        this.claims.renewLease().then(async (outcome) => {
          if (outcome !== 'lost') return;
          await Promise.all(this.claimedKeys().map((key) => this.fence(key, 'lease lost')));
          await this.claims.renewLease(); // a new one: the claims are written again below (rule 3)
        }),
        this.snapshots.now().catch((err: unknown) => this.deps.logger.warn({ err }, 'writing the state snapshot failed'))
          .then(() => this.readLiveFleet().catch((err: unknown) => this.deps.logger.warn({ err }, 'reading the live instances failed; keeping the last known'))),
      ]);
      this.armFence();
      const handedOver = new Set<string>();
      for (const key of this.actors.keys()) {
        if (handedOver.size >= this.deps.ownerHandoffsPerRenew) break;
        const preferred = this.preferred.of(key);
        if (preferred !== this.deps.instanceId) handedOver.add(key);
      }
      // not awaited: a graceful stop takes up to the drain and unbind timeouts; the renewals must not wait
      for (const key of handedOver) {
        this.deps.logger.info({ integration: key, to: this.preferred.of(key) }, 'handing the integration over to its preferred instance');
        void this.stopActor(key).catch((err: unknown) => this.deps.logger.warn({ err, integration: key }, 'hand-over failed'));
      }
      // at once: after an instance died, its integrations are all unclaimed together
      await Promise.all([...this.latest.keys()].filter((key) => !this.actors.has(key) && !handedOver.has(key)).map((key) => this.reconcile(key, true)));
    } catch (err) {
      this.deps.logger.warn({ err }, 'owner renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  /** An instance whose snapshot is older than the fence time is not live: cut off, it has closed its binds by
   * then. Three renew intervals (the earlier window) let a few slow rounds under load make a live instance
   * look gone, and integrations moved back and forth (measured: hand-overs mid-benchmark). */
  private liveWindowMs(): number {
    return Math.max(3 * this.deps.ownerRenewMs, this.deps.ownerFenceMs);
  }

  private async readLiveFleet(): Promise<void> {
    const fleet = await liveFleet(this.deps.stateKv, this.deps.instanceId, this.liveWindowMs(), this.deps.logger);
    this.preferred.live = fleet.instances;
    this.runningElsewhere = fleet.runningElsewhere;
  }

  localViews(): IntegrationStateView[] { return [...this.actors.values()].map((a) => a.view()); }

  /** our own integrations from the live actors, the others' from fresh snapshots, and who answered */
  fleet(): Promise<FleetStateView> {
    return fleetState(this.deps.stateKv, this.deps.instanceId, this.localViews(), this.liveWindowMs(), this.deps.logger);
  }

  async integrations(): Promise<IntegrationStateView[]> { return (await this.fleet()).integrations; }

  async integration(org: string, id: string): Promise<IntegrationStateView | undefined> {
    const local = this.actors.get(keys.integration(org, id));
    if (local) return local.view();
    return (await this.integrations()).find((v) => v.org === org && v.id === id);
  }
}
