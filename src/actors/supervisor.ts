// Watches desired state in KV and keeps one IntegrationActor per integration this instance owns.
// Ownership is claimed per integration in KV `byo_owners` with compare-and-set and renewed on a
// timer; a claim lapses with the bucket's max age when its owner dies, and another instance takes it.
import type { KV } from '@nats-io/kv';
import { keys } from '../adapters/nats/subjects.js';
import { listKeys } from '../adapters/nats/kv-json.js';
import type { IntegrationRecord, IntegrationStore } from '../domain/integration-record.js';
import type { IntegrationStateView, StateView } from '../adapters/http/deps.js';
import { IntegrationActor, type IntegrationActorDeps } from './integration-actor.js';

export interface SupervisorDeps extends Omit<IntegrationActorDeps, 'record' | 'onDeleted'> {
  store: IntegrationStore;
  owners: KV;
  /** other instances' snapshots (KV `byo_state`) for a cluster-wide GET /v1/state */
  stateKv: KV;
  /** renew owner claims and refresh this instance's state snapshot at this interval */
  ownerRenewMs: number;
  /** after the machine reached `deleted`: release numbers, stop consumers... before the record is erased */
  onIntegrationDeleted?: (org: string, id: string) => Promise<void>;
  onActorStarted?: (actor: IntegrationActor) => void;
  onActorStopped?: (actor: IntegrationActor) => void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class Supervisor implements StateView {
  readonly actors = new Map<string, IntegrationActor>();
  private readonly latest = new Map<string, IntegrationRecord>();
  private readonly abort = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  /** true once every record that existed at start-up has been applied */
  reconciled = false;

  constructor(private readonly deps: SupervisorDeps) {}

  async start(): Promise<void> {
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
    this.renewTimer = setInterval(() => void this.renew(), this.deps.ownerRenewMs);
    this.renewTimer.unref();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.abort.abort();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await Promise.all([...this.actors.values()].map((a) => a.shutdown(timeoutMs)));
    for (const [key, a] of this.actors) {
      this.deps.onActorStopped?.(a);
      await this.deps.owners.delete(key).catch(() => undefined);
    }
    this.actors.clear();
    await this.deps.stateKv.delete(keys.instanceState(this.deps.instanceId)).catch(() => undefined);
  }

  private async reconcile(key: string): Promise<void> {
    const record = this.latest.get(key);
    if (!record) return;
    let actor = this.actors.get(key);
    if (!actor) {
      if (!(await this.claim(key))) return;
      actor = this.startActor(record);
      if (!actor) return;
    }
    actor.apply(record);
  }

  private startActor(record: IntegrationRecord): IntegrationActor | undefined {
    const key = keys.integration(record.org, record.id);
    try {
      const actor = new IntegrationActor({ ...this.deps, record, onDeleted: (a) => void this.erase(a) });
      this.actors.set(key, actor);
      this.deps.onActorStarted?.(actor);
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
      await this.deps.onIntegrationDeleted?.(actor.org, actor.id);
      await this.deps.store.purge(actor.org, actor.id);
    } catch (err) {
      this.deps.logger.error({ err, org: actor.org, integration: actor.id }, 'erasing a deleted integration failed; will retry');
      setTimeout(() => void this.erase(actor), this.deps.ownerRenewMs).unref();
      return;
    }
    await this.stopActor(key);
  }

  private async stopActor(key: string): Promise<void> {
    const actor = this.actors.get(key);
    if (!actor) return;
    this.actors.delete(key);
    await actor.shutdown(this.deps.engine.timers.deactivateTimeoutMs);
    this.deps.onActorStopped?.(actor);
    await this.deps.owners.delete(key).catch(() => undefined);
  }

  private async claim(key: string): Promise<boolean> {
    const me = this.deps.instanceId;
    try {
      await this.deps.owners.create(key, enc.encode(me));
      return true;
    } catch {
      const entry = await this.deps.owners.get(key).catch(() => null);
      if (entry?.operation === 'PUT' && dec.decode(entry.value) === me) return true;
      if (!entry || entry.operation !== 'PUT') {
        // deleted or purged marker: take it with compare-and-set on that revision
        return this.deps.owners.update(key, enc.encode(me), entry?.revision ?? 0).then(() => true, () => false);
      }
      return false;
    }
  }

  /** Renews our claims, picks up integrations whose owner went away, publishes our snapshot. */
  private async renew(): Promise<void> {
    try {
      for (const key of this.actors.keys()) await this.deps.owners.put(key, enc.encode(this.deps.instanceId));
      for (const key of this.latest.keys()) if (!this.actors.has(key)) await this.reconcile(key);
      await this.deps.stateKv.put(keys.instanceState(this.deps.instanceId), enc.encode(JSON.stringify(this.localViews())));
    } catch (err) {
      this.deps.logger.warn({ err }, 'owner renewal failed');
    }
  }

  localViews(): IntegrationStateView[] {
    return [...this.actors.values()].map((a) => a.view());
  }

  async integrations(): Promise<IntegrationStateView[]> {
    const mine = this.localViews();
    const seen = new Set(mine.map((v) => keys.integration(v.org, v.id)));
    const others: IntegrationStateView[] = [];
    try {
      for (const k of await listKeys(this.deps.stateKv, 'instance.*')) {
        if (k === keys.instanceState(this.deps.instanceId)) continue;
        const entry = await this.deps.stateKv.get(k);
        if (entry?.operation !== 'PUT') continue;
        for (const v of JSON.parse(dec.decode(entry.value)) as IntegrationStateView[]) {
          if (!seen.has(keys.integration(v.org, v.id))) others.push(v);
        }
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'reading other instances state failed');
    }
    return [...mine, ...others];
  }

  async integration(org: string, id: string): Promise<IntegrationStateView | undefined> {
    const local = this.actors.get(keys.integration(org, id));
    if (local) return local.view();
    return (await this.integrations()).find((v) => v.org === org && v.id === id);
  }
}
