// Outbound traffic for every integration this instance owns: one Lane per integration (MT consumer,
// pacing, submit), the tracker and status publisher (shared with inbound receipts), and the sweep
// that settles messages no integration will send.
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import {
  type NatsHandle, consumers, keys, STREAMS, type JsPublisher, type FastKv, purgeQueuedMt, LostPulls, dropsExpiredPulls, ParkingLot,
} from '../../adapters/nats/index.js';
import type { EngineConfig } from '../../config/index.js';
import type { IntegrationActor, IntegrationEvents, SenderNumbers } from '../index.js';
import { Lane } from './lane.js';
import { Tracker } from './tracker.js';
import { natsStatusPublisher, type StatusPublisher } from './status-publisher.js';
import { UnroutableMt } from './unroutable.js';
import { NO_METRICS, type IntegrationStore, type OutboundMetrics } from '../../domain/index.js';
import type { SubscriberRegistry } from '../inbound/index.js';
import { RecordSignal } from './record-signal.js';
import { PendingRecords } from './pending-records.js';

export interface OutboundDeps {
  nats: NatsHandle;
  tracking: KV;
  /** the message path's JetStream requests (js-publisher.ts); closed by stop() */
  publisher: JsPublisher;
  /** integrations by id, to tell a queue of an unknown integration from one that waits */
  store: Pick<IntegrationStore, 'get'>;
  /** the tracking bucket over `publisher`, when the bucket allows direct gets */
  fastTracking: FastKv | undefined;
  /** which numbers may send, and their compliance keywords (the number fleet) */
  numbers: SenderNumbers;
  subscribers: Pick<SubscriberRegistry, 'isOptedOut'>;
  /** integrations starting, changing, stopping and deleted here: a lane follows each */
  events: IntegrationEvents;
  engine: Readonly<EngineConfig>;
  logger: Logger;
  now: () => Date;
  metrics?: OutboundMetrics;
}

export class Outbound {
  private readonly lanes = new Map<string, Lane>();
  /** lanes stopping: they still hear their integration's changes (a drain ends when it goes inactive) */
  private readonly draining = new Set<Lane>();
  readonly tracker: Tracker;
  readonly statuses: StatusPublisher;
  /** fires when a submit is recorded: receipts that overtook it retry then */
  readonly recorded = new RecordSignal();
  /** outcome records being written, shared by every lane: a lane replacing another waits for them */
  readonly pendingRecords: PendingRecords;
  private readonly publisher: JsPublisher;
  private readonly metrics: OutboundMetrics;
  readonly unroutable: UnroutableMt;
  /** only where nats-server may drop an expired pull silently (< 2.9.16): see lost-pulls.ts */
  private readonly lostPulls: LostPulls | undefined;
  /** idle lanes' consumers park instead of pulling (none with BYO_MT_PARKED_CHECK_MS=0) */
  readonly parking: ParkingLot | undefined;

  constructor(private readonly d: OutboundDeps) {
    this.publisher = d.publisher;
    this.tracker = new Tracker(d.tracking, d.logger, d.fastTracking);
    this.pendingRecords = new PendingRecords(Math.max(1000, d.engine.limits.mtAckWaitMs / 3));
    this.metrics = d.metrics ?? NO_METRICS;
    const metrics = this.metrics;
    this.lostPulls = dropsExpiredPulls(d.nats.serverVersion)
      ? new LostPulls({ graceMs: d.engine.timers.mtPullLostGraceMs, warn: (m) => d.logger.warn(m) })
      : undefined;
    const checkMs = d.engine.timers.mtParkedCheckMs;
    this.parking = checkMs > 0 ? new ParkingLot({ nats: d.nats, checkMs, warn: (err, m) => d.logger.warn({ err }, m) }) : undefined;
    this.statuses = natsStatusPublisher(this.publisher, d.now, (state) => metrics.status(state));
    this.unroutable = new UnroutableMt({ nats: d.nats, store: d.store, statuses: this.statuses, logger: d.logger, sweepMs: d.engine.timers.unroutableSweepMs,
      fetchExpiresMs: d.engine.timers.streamFetchExpiresMs,
    });
    d.events.on('started', (actor) => this.attach(actor));
    d.events.on('changed', (actor, change) => this.onChange(actor, change === 'config'));
    // in-flight messages finish on the binds they started on (bounded by one response timeout)
    d.events.on('stopping', (actor) => this.detach(actor, d.engine.timers.responseTimeoutMs));
    d.events.on('stopped', (actor) => this.detach(actor));
    d.events.on('deleted', (org, id) => this.forget(org, id));
  }

  /** The sweep that settles messages no integration will send (stop() ends it). */
  start(): void {
    this.unroutable.start();
  }

  attach(actor: IntegrationActor): void {
    const key = keys.integration(actor.org, actor.id);
    if (this.lanes.has(key)) return;
    this.lanes.set(key, new Lane({
      actor, nats: this.d.nats, tracker: this.tracker, statuses: this.statuses,
      isActiveSender: (org, id, e164) => this.d.numbers.isActiveSender(org, id, e164),
      compliance: { isOptedOut: (s, h) => this.d.subscribers.isOptedOut(s, h), keywordsFor: (org, id, e164) => this.d.numbers.keywordsFor(org, id, e164) },
      engine: this.d.engine, logger: this.d.logger, now: this.d.now, onRecorded: (smscIds?: readonly string[]) => this.recorded.notify(smscIds),
      onRecording: (smscIds: readonly string[]) => this.recorded.recording(smscIds), metrics: this.metrics,
      onRecordFailing: (message, failing) => this.recorded.recordFailing(message, failing),
      pendingRecords: this.pendingRecords, lostPulls: this.lostPulls, parking: this.parking,
    }));
  }

  /** `drainMs`: how long messages already started may take to finish (their binds still up) */
  async detach(actor: IntegrationActor, drainMs = 0): Promise<void> {
    const key = keys.integration(actor.org, actor.id);
    const lane = this.lanes.get(key);
    this.lanes.delete(key);
    if (lane) await this.drain(lane, drainMs);
  }

  private async drain(lane: Lane, drainMs: number): Promise<void> {
    this.draining.add(lane);
    try {
      await lane.stop(drainMs);
    } finally {
      this.draining.delete(lane);
    }
  }

  /** The integration's state, config or send capacity changed. */
  onChange(actor: IntegrationActor, configChanged = false): void {
    for (const l of this.draining) if (l.org === actor.org && l.integration === actor.id) l.sync();
    const lane = this.lanes.get(keys.integration(actor.org, actor.id));
    if (!lane) return;
    if (configChanged) lane.configure();
    lane.sync();
  }

  /** A deleted integration: its queued messages are rejected, its consumer and correlations go. */
  async forget(org: string, integration: string): Promise<void> {
    await this.d.nats.jsm.consumers.delete(STREAMS.mt, consumers.mt(org, integration)).catch(() => false);
    await this.unroutable.rejectAll(org, integration, 'INTEGRATION_DELETED', `integration ${integration} was deleted before the message was sent`)
      .catch(async (err: unknown) => {
        this.d.logger.warn({ err, org, integration }, 'queued messages of a deleted integration not rejected one by one; purging them');
        await purgeQueuedMt(this.d.nats.jsm, org, integration).catch(() => 0);
      });
    await this.tracker.forget(org, integration).catch((err: unknown) => this.d.logger.warn({ err }, 'tracking cleanup failed'));
  }

  /** Shutdown: each lane finishes its started messages (bounded by one response timeout) first. */
  async stop(): Promise<void> {
    const drainMs = this.d.engine.timers.responseTimeoutMs;
    await Promise.all([...this.lanes.values()].map((l) => this.drain(l, drainMs)));
    this.lanes.clear();
    this.unroutable.stop();
    this.lostPulls?.stop();
    this.parking?.stop();
    this.publisher.close();
  }

  /** per lane: segments waiting and messages open, for metrics */
  depth(): { org: string; integration: string; queuedSegments: number; openMessages: number }[] {
    return [...this.lanes.values()].map((l) => ({ org: l.org, integration: l.integration, ...l.depth() }));
  }

  resubmitted(): number {
    return [...this.lanes.values()].reduce((n, l) => n + l.resubmitted, 0);
  }
}
