// Runs one integration machine with real SMPP sessions, reconciles it to the stored desired state,
// publishes its transitions, and keeps the bound sessions the outbound dispatcher sends through.
import { waitFor, type Actor } from 'xstate';
import type { Logger } from 'pino';
import { type integrationMachine, BINDS_PER_INTEGRATION, type IntegrationTimers, type bindMachine } from '../machines/index.js';
import type { EngineConfig, IntegrationConfig, IntegrationSchemas } from '../config/index.js';
import {
  type IntegrationRecord, type BindStateView, type IntegrationStateView, eventActorId, eventNameFor, operationalEvent, statePath, type EventSink,
} from '../domain/index.js';
import { credentialsAad, openCredentials } from '../adapters/secrets.js';
import type { ChangeCounter, SessionOptions, BindRequest, SmppSession, DeliverSm } from '../adapters/smpp/index.js';
import type { BindAttemptBudget } from './bind-attempt-budget.js';
import { hostSessions, integrationDefinition } from './integration-definition.js';
import { startActor } from './start-actor.js';
import { transitionObserver } from './transition-observer.js';
import { bindFailureLog } from './bind-failure-log.js';
import type { IntegrationEvents } from './integration-events.js';
import type { ActorClock } from './coarse-clock.js';

export interface IntegrationActorDeps {
  record: IntegrationRecord;
  engine: Readonly<EngineConfig>;
  schemas: IntegrationSchemas;
  /** the current master key, then the previous one while a rotation is under way */
  masterKey: Buffer | readonly Buffer[];
  sink: EventSink;
  logger: Logger;
  now: () => Date;
  instanceId: string;
  /** where its changes and deliver_sm go (outbound, inbound and the number fleet listen) */
  events: IntegrationEvents;
  /** the instance-wide bind-attempt budget every bind attempt waits on (none: attempts start at once) */
  bindAttempts?: BindAttemptBudget;
  /** the machine reached `deleted`: the supervisor erases the record and releases numbers */
  onDeleted: (actor: IntegrationActor) => void;
  /** runs the actors' timers (the engine's CoarseClock: coarse-clock.ts); none: Node's own */
  actorClock?: ActorClock;
  /** counted whenever anything view() shows may have changed, the sessions' windows in use included (the supervisor's snapshot) */
  viewChanges?: ChangeCounter;
}

export type IntegrationChange = 'state' | 'config' | 'capacity';

export const integrationTimers = (engine: Readonly<EngineConfig>): IntegrationTimers => {
  const t = engine.timers;
  return {
    bindWindowMs: t.bindWindowMs, deactivateTimeoutMs: t.deactivateTimeoutMs, bindStaggerMs: t.bindStaggerMs,
    connectTimeoutMs: t.connectTimeoutMs, bindResponseTimeoutMs: t.bindResponseTimeoutMs,
    enquireLinkIntervalMs: t.enquireLinkIntervalMs, enquireLinkTimeoutMs: t.enquireLinkTimeoutMs,
    unbindTimeoutMs: t.unbindTimeoutMs, backoffInitialMs: t.backoffInitialMs, backoffMaxMs: t.backoffMaxMs,
    authBackoffInitialMs: t.authBackoffInitialMs, authBackoffMaxMs: t.authBackoffMaxMs,
  };
};

export class IntegrationActor {
  readonly org: string;
  readonly id: string;
  record: IntegrationRecord;
  config: IntegrationConfig;
  /** bound sessions by bind index: the only sessions outbound may use */
  readonly sessions: (SmppSession | undefined)[] = Array.from({ length: BINDS_PER_INTEGRATION }, () => undefined);
  private readonly actor: Actor<typeof integrationMachine>;
  private appliedRevision = 0;
  /** per actor (root and binds): the state the view shows, since when, and what else of it the view shows */
  private readonly since = new Map<string, { name: string; at: string; shown: string }>();
  private rootSession = '';
  /** bumped whenever anything view() shows may have changed, but the sessions' window in use */
  private viewVersion = 0;
  /** the view's JSON and what it was built from: the version and each bind's window in use (-1: no session) */
  private viewCache: { version: number; windows: number[]; json: string } | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: IntegrationActorDeps) {
    this.org = deps.record.org;
    this.id = deps.record.id;
    this.record = deps.record;
    this.config = this.parseConfig(deps.record);
    this.log = deps.logger.child({ org: this.org, integration: this.id });
    const sessionDeps = {
      params: () => this.sessionParams(),
      onBound: (index: number, s: SmppSession | undefined) => {
        if (this.sessions[index] === s) return;
        this.sessions[index] = s;
        this.changedView();
        deps.events.notify('changed', this, 'capacity');
      },
      onDeliverSm: (_index: number, s: SmppSession, pdu: DeliverSm) => deps.events.notify('deliverSm', this, s, pdu),
      onWindowOpen: () => deps.events.notify('changed', this, 'capacity'),
      logger: this.log,
      ...(deps.actorClock ? { clock: deps.actorClock } : {}),
      ...(deps.viewChanges ? { windowChanges: deps.viewChanges } : {}),
    };
    const logFailure = bindFailureLog({ logger: this.log, intervalMs: deps.engine.timers.bindFailureLogIntervalMs, now: deps.now });
    const publish = transitionObserver({
      org: this.org, integration: this.id, now: deps.now,
      sink: (e) => {
        deps.sink(e);
        logFailure(e);
      },
    });
    this.actor = startActor(integrationDefinition(deps.bindAttempts), {
      logger: this.log, ...(deps.actorClock ? { clock: deps.actorClock } : {}),
      beforeStart: (actor) => {
        this.rootSession = actor.sessionId;
        hostSessions(actor.system, sessionDeps);
      },
      input: { org: this.org, id: this.id, bindType: this.config.bindType, timers: integrationTimers(deps.engine), random: Math.random },
      onInspect: (e) => {
        publish(e);
        if (e.type === '@xstate.snapshot' && this.noteSnapshot(e.actorRef, e.snapshot)) this.changedView();
      },
    });
    this.actor.on('warning', (w) => {
      deps.sink(operationalEvent({
        kind: 'integration', actorId: eventActorId.integration(this.org, this.id), org: this.org, integration: this.id,
        name: 'warning', from: null, at: deps.now(), detail: { code: w.code, message: w.message },
      }));
    });
    let lastState = '';
    this.actor.subscribe((snap) => {
      const state = statePath(snap.value);
      if (state !== lastState) {
        lastState = state;
        deps.events.notify('changed', this, 'state');
      }
      if (snap.status === 'done') deps.onDeleted(this);
    });
    this.appliedRevision = deps.record.configRevision;
  }

  /** Reconcile the machine to a (new) stored record. */
  apply(record: IntegrationRecord): void {
    const changed = record.configRevision !== this.appliedRevision;
    this.record = record;
    this.changedView();
    if (changed) {
      try {
        this.config = this.parseConfig(record);
      } catch (err) {
        this.log.error({ err }, 'stored config is invalid; keeping the previous one');
      }
      this.appliedRevision = record.configRevision;
      this.actor.send({ type: 'integration.update', bindType: this.config.bindType });
      this.deps.events.notify('changed', this, 'config');
    }
    const running = this.actor.getSnapshot().matches('running');
    if (record.desired === 'deleted') this.actor.send({ type: 'integration.delete' });
    else if (record.desired === 'active' && !running) this.actor.send({ type: 'integration.activate' });
    else if (record.desired === 'inactive' && running) this.actor.send({ type: 'integration.deactivate' });
  }

  private changedView(): void {
    this.viewVersion++;
    if (this.deps.viewChanges) this.deps.viewChanges.changes++;
  }

  get state(): string {
    return statePath(this.actor.getSnapshot().value);
  }

  /** true while outbound may flow: the integration is active (healthy or degraded) */
  get active(): boolean {
    return this.actor.getSnapshot().matches({ running: 'active' });
  }

  view(): IntegrationStateView {
    const snap = this.actor.getSnapshot();
    const root = this.since.get(this.actor.sessionId);
    const binds: BindStateView[] = snap.context.binds.map((slot, index) => {
      const child = (snap.children as Record<string, Actor<typeof bindMachine> | undefined>)[`bind-${index}`];
      const childSnap = child?.getSnapshot();
      const state = childSnap ? eventNameFor('bind', childSnap.value) : slot.status === 'stopped' ? 'closed' : 'idle';
      const view: BindStateView = { index, state, since: (child && this.since.get(child.sessionId)?.at) ?? root?.at ?? '' };
      const err = childSnap?.context.lastError ?? slot.lastError;
      if (err) view.lastError = err.reason;
      const s = this.sessions[index];
      if (s) view.outstanding = s.windowInUse; // an enquire_link in flight is not window in use
      return view;
    });
    return {
      org: this.org, id: this.id, state: eventNameFor('integration', snap.value), desired: this.record.desired,
      since: root?.at ?? '', binds, counters: { boundBinds: binds.filter((b) => b.state === 'bound').length },
      instance: this.deps.instanceId,
    };
  }

  /**
   * view() as JSON, built again only when something in it changed (the state snapshot asks every second).
   * Checked with numbers, not a key string: at 3,000 integrations building and comparing 3,000 keys a
   * second was ~1.5% of a core (docs/performance.md).
   */
  viewJson(): string {
    const c = this.viewCache;
    if (c && c.version === this.viewVersion && c.windows.length === this.sessions.length) {
      let same = true;
      for (let i = 0; i < c.windows.length && same; i++) same = c.windows[i] === (this.sessions[i]?.windowInUse ?? -1);
      if (same) return c.json;
    }
    const windows = this.sessions.map((s) => s?.windowInUse ?? -1);
    this.viewCache = { version: this.viewVersion, windows, json: JSON.stringify(this.view()) };
    return this.viewCache.json;
  }

  /** Asks bind `index` to rebind (its session is no longer bound at the SMSC); ignored unless it is bound. */
  requestRebind(index: number, reason: string): void {
    this.actor.send({ type: 'bind.rebind', index, reason });
  }

  /** Graceful stop for shutdown: unbind (bounded by the machine's own timeouts), then stop. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.actor.getSnapshot().matches('running')) {
      this.actor.send({ type: 'integration.deactivate' });
      // rejects when the timeout passes first (or the actor stops): either way we stop it below
      await waitFor(this.actor, (snap) => !snap.matches('running'), { timeout: timeoutMs }).catch(() => undefined);
    }
    this.actor.stop();
  }

  /**
   * Notes when the root and each bind entered the state the view shows (`since`); true when something the
   * view shows may have changed. An enquire_link cycle (bound.idle ⇄ bound.awaitingLinkResp, both shown as
   * `bound`, as in the events) and the snapshots of a bind's own children (its session, its permit) change
   * nothing shown. Before, each reset the bind's `since` and rebuilt the view and its part of the state
   * snapshot: with 3,000 binds, ~100 a second.
   */
  private noteSnapshot(ref: { sessionId: string }, snapshot: unknown): boolean {
    const root = ref.sessionId === this.rootSession;
    if (!root && !((ref as { id?: string }).id ?? '').startsWith('bind-')) return false;
    const s = snapshot as { value?: unknown; context?: { lastError?: { reason?: string } } };
    if (s.value === undefined) return root;
    const name = eventNameFor(root ? 'integration' : 'bind', s.value);
    const shown = root ? '' : `${name}\u0000${s.context?.lastError?.reason ?? ''}`;
    const seen = this.since.get(ref.sessionId);
    if (!root && seen?.shown === shown) return false;
    if (seen?.name !== name || seen.shown !== shown) this.since.set(ref.sessionId, { name, at: seen?.name === name ? seen.at : this.deps.now().toISOString(), shown });
    return true;
  }

  private parseConfig(record: IntegrationRecord): IntegrationConfig {
    const parsed = this.deps.schemas.create.parse(record.config);
    const { credentials: _ignored, ...config } = parsed;
    return config;
  }

  private sessionParams(): { options: SessionOptions; bind: BindRequest } {
    const { engine } = this.deps;
    const c = this.config;
    const tls = c.tls;
    if (!this.record.credentials) throw new Error('no credentials configured');
    const creds = openCredentials(this.deps.masterKey, this.record.credentials, credentialsAad(this.org, this.id));
    return {
      options: {
        host: c.smscAddress, port: c.smscPort,
        tls: { enabled: c.tls.enabled, ca: tls.ca, servername: tls.servername, rejectUnauthorized: c.tls.rejectUnauthorized },
        connectTimeoutMs: engine.timers.connectTimeoutMs, windowSize: engine.limits.windowSize, maxPduLength: engine.limits.maxPduLength,
      },
      bind: { bindType: c.bindType, systemId: creds.systemId, password: creds.password, addrTon: c.addressTon, addrNpi: c.addressNpi },
    };
  }
}
