// One number actor per imported number of an integration this instance owns: provisioning → active,
// disabled while the integration is not active, released when removed. Actors are standalone in a
// map (not children of one parent: spawnChild slows down as children grow). State is persisted to
// KV `byo_numbers`, and every transition is an operational event.
import type { KV } from '@nats-io/kv';
import type { Actor } from 'xstate';
import type { Logger } from 'pino';
import { numberMachine } from '../machines/index.js';
import {
  numberRecordSchema, type NumberRecord, type NumberStore, eventActorId, operationalEvent, type EventSink, type ReadonlyKeywordSet, type OptOutByIntent,
} from '../domain/index.js';
import { decodeJson, keys } from '../adapters/nats/index.js';
import { startActor } from './start-actor.js';
import type { IntegrationEvents } from './integration-events.js';

export interface NumberFleetDeps {
  kv: KV;
  store: NumberStore;
  sink: EventSink;
  logger: Logger;
  now: () => Date;
  /** integrations starting, changing and stopping here: their numbers follow them */
  events: IntegrationEvents;
}

/** What outbound and inbound ask about numbers (NumberFleet answers from its live actors). */
export interface SenderNumbers {
  /** may this number send for this integration right now? */
  isActiveSender(org: string, integration: string, e164: string): boolean;
  /** the compliance keywords of a number of this integration (short codes: with or without '+') */
  keywordsFor(org: string, integration: string, address: string): ReadonlyKeywordSet | undefined;
  /** what a mention of an opt-out keyword does for this number (off when it is not one of this integration) */
  optOutByIntentFor(org: string, integration: string, address: string): OptOutByIntent;
}

interface Entry { record: NumberRecord; actor?: Actor<typeof numberMachine>; last?: string }

export class NumberFleet implements SenderNumbers {
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();
  /** the integrations running here, by KV key */
  private readonly running = new Map<string, { active: boolean }>();
  /** number keys by integration (`keys.integration`): an integration's change touches its numbers only */
  private readonly byIntegration = new Map<string, Set<string>>();
  /** the newest `byo_numbers` revision the watch has applied, and who waits for a newer one */
  private seen = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly d: NumberFleetDeps) {
    d.events.on('started', (actor) => {
      this.running.set(keys.integration(actor.org, actor.id), actor);
      this.integrationChanged(actor.org, actor.id);
    });
    d.events.on('changed', (actor, change) => {
      if (change === 'state') this.integrationChanged(actor.org, actor.id);
    });
    d.events.on('stopped', (actor) => {
      this.running.delete(keys.integration(actor.org, actor.id));
      this.integrationChanged(actor.org, actor.id);
    });
    d.events.on('deleted', (org, id) => this.releaseAll(org, id));
  }

  async start(): Promise<void> {
    const watch = await this.d.kv.watch({ key: keys.all });
    this.abort.signal.addEventListener('abort', () => watch.stop());
    void (async () => {
      for await (const e of watch) {
        if (e.operation === 'PUT') {
          const record = decodeJson(e, numberRecordSchema, this.d.logger);
          if (record) this.upsert(e.key, record);
        } else {
          this.remove(e.key);
        }
        this.seen = Math.max(this.seen, e.revision);
        for (const wake of this.waiters) wake();
      }
    })().catch((err: unknown) => this.d.logger.warn({ err }, 'number watch ended'));
  }

  stop(): void {
    this.abort.abort();
    for (const e of this.entries.values()) e.actor?.stop();
    this.entries.clear();
  }

  isActiveSender(org: string, integration: string, e164: string): boolean {
    const e = this.entries.get(keys.number(e164));
    return !!e && e.record.org === org && e.record.integration === integration && e.actor?.getSnapshot().value === 'active';
  }

  keywordsFor(org: string, integration: string, address: string): NumberRecord['keywords'] | undefined {
    const e = this.entries.get(keys.number(address));
    return e && e.record.org === org && e.record.integration === integration ? e.record.keywords : undefined;
  }

  optOutByIntentFor(org: string, integration: string, address: string): OptOutByIntent {
    const e = this.entries.get(keys.number(address));
    return e && e.record.org === org && e.record.integration === integration ? e.record.optOutByIntent ?? 'off' : 'off';
  }

  /**
   * The integration's numbers, sorted, as of now: the watch is first brought up to the bucket's last
   * revision (one stream-info request), so a number imported a moment ago through any instance is
   * listed. O(its numbers), where the store's list reads every number of every integration. Falls back
   * to the store when the watch does not catch up within `waitMs`.
   */
  async numbersOf(org: string, integration: string, waitMs: number): Promise<NumberRecord[]> {
    if (!(await this.caughtUp(waitMs))) return this.d.store.listByIntegration(org, integration);
    const found = [...(this.byIntegration.get(keys.integration(org, integration)) ?? [])].flatMap((k) => {
      const e = this.entries.get(k);
      return e ? [e.record] : [];
    });
    return found.sort((a, b) => a.e164.localeCompare(b.e164));
  }

  /** Every number (of `org` when given), sorted, caught up like numbersOf (the console's fleet page, the list routes). */
  async list(waitMs: number, org?: string): Promise<NumberRecord[]> {
    if (!(await this.caughtUp(waitMs))) return org === undefined ? this.d.store.list() : this.d.store.listByOrg(org);
    return [...this.entries.values()].flatMap((e) => (org === undefined || e.record.org === org ? [e.record] : []))
      .sort((a, b) => a.e164.localeCompare(b.e164));
  }

  /** true once the watch has applied the bucket's last revision as of now; false after `waitMs` */
  private async caughtUp(waitMs: number): Promise<boolean> {
    const revision = (await this.d.kv.status()).streamInfo.state.last_seq;
    if (this.seen >= revision) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = () => { if (this.seen >= revision) done(true); };
      const timer = setTimeout(() => done(false), waitMs);
      this.waiters.add(check);
    });
  }

  /** A deleted integration's numbers go back to the pool. */
  private async releaseAll(org: string, integration: string): Promise<void> {
    for (const n of await this.d.store.listByIntegration(org, integration)) await this.d.store.release(n.e164);
  }

  /** The integration's activity or ownership changed: bring its numbers along. */
  private integrationChanged(org: string, integration: string): void {
    // a copy: upsert may re-index while this runs (a live Set iterator visits re-added keys again)
    for (const key of [...(this.byIntegration.get(keys.integration(org, integration)) ?? [])]) {
      const e = this.entries.get(key);
      if (e) this.upsert(key, e.record);
    }
  }

  private upsert(key: string, record: NumberRecord): void {
    const entry = this.entries.get(key) ?? { record };
    const of = keys.integration(record.org, record.integration);
    if (keys.integration(entry.record.org, entry.record.integration) !== of) this.unindex(key, entry.record);
    entry.record = record;
    this.entries.set(key, entry);
    const set = this.byIntegration.get(of);
    if (set) set.add(key);
    else this.byIntegration.set(of, new Set([key]));
    const owner = this.running.get(keys.integration(record.org, record.integration));
    if (!owner) {
      entry.actor?.stop();
      delete entry.actor;
      return;
    }
    if (!entry.actor) {
      entry.actor = startActor(numberMachine, {
        logger: this.d.logger.child({ number: key }),
        input: {
          e164: record.e164, org: record.org, integration: record.integration, integrationActive: owner.active,
          provisioned: record.state !== 'provisioning',
        },
      });
      entry.actor.subscribe((snap) => this.persist(key, entry, snap.value));
      this.persist(key, entry, entry.actor.getSnapshot().value);
      // Provisioning here is the durable claim itself (done by the API): it is over once we see the record.
      entry.actor.send({ type: 'number.provisioned' });
    }
    entry.actor.send({ type: owner.active ? 'integration.active' : 'integration.inactive' });
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.unindex(key, entry.record);
    entry.actor?.send({ type: 'number.release' });
    entry.actor?.stop();
  }

  private unindex(key: string, record: NumberRecord): void {
    const of = keys.integration(record.org, record.integration);
    const set = this.byIntegration.get(of);
    if (set?.delete(key) && set.size === 0) this.byIntegration.delete(of);
  }

  private persist(key: string, entry: Entry, state: string): void {
    if (entry.last === state) return;
    const from = entry.last ?? null;
    entry.last = state;
    const r = entry.record;
    this.d.sink(operationalEvent({
      kind: 'number', actorId: eventActorId.number(r.e164), org: r.org, integration: r.integration,
      name: state, from, at: this.d.now(), detail: { type: r.type, e164: r.e164 },
    }));
    if (state === 'released' || r.state === state) return;
    this.d.store.setState(key, state as NumberRecord['state']).then((updated) => {
      if (updated) entry.record = updated;
    }, (err: unknown) => this.d.logger.warn({ err, number: key }, 'number state not persisted'));
  }
}
