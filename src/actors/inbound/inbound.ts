// Inbound traffic for every integration this instance owns: each deliver_sm (or data_sm) from an
// SMSC is a delivery receipt for the outbound tracker or a mobile-originated message for the MO
// assembler (deliver-sm-handler.ts decides which and answers the SMSC).
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { JsPublisher } from '../../adapters/nats/index.js';
import type { DeliverSm, SmppSession } from '../../adapters/smpp/index.js';
import { type EngineConfig, type IntegrationConfig, DEFAULT_ADVANCED_CONFIG, mergeAdvancedConfig } from '../../config/index.js';
import { NO_METRICS, type OutboundMetrics } from '../../domain/index.js';
import type { IntegrationActor, IntegrationEvents, SenderNumbers } from '../index.js';
import type { Tracker, StatusPublisher, RecordSignal } from '../outbound/index.js';
import { handleDeliverSm, type InboundContext, type InboundDeps } from './deliver-sm-handler.js';
import { MoAssembler } from './mo-assembler.js';
import { UnmatchedReceipts } from './unmatched-receipts.js';
import type { SubscriberRegistry } from './subscriber-registry.js';

export interface InboundOptions {
  /** KV bucket for stored MO parts (the tracking bucket) */
  kv: KV;
  publisher: JsPublisher;
  tracker: Tracker;
  statuses: StatusPublisher;
  recorded: RecordSignal;
  subscribers: SubscriberRegistry;
  /** compliance keywords of the numbers (the number fleet) */
  numbers: Pick<SenderNumbers, 'keywordsFor' | 'optOutByIntentFor'>;
  /** integrations starting and stopping here, and their deliver_sm */
  events: IntegrationEvents;
  engine: Readonly<EngineConfig>;
  logger: Logger;
  now: () => Date;
  metrics?: OutboundMetrics;
}

export class Inbound {
  private readonly mo: MoAssembler;
  private readonly deps: InboundDeps;
  private readonly contexts = new WeakMap<IntegrationConfig, InboundContext>();

  constructor(private readonly o: InboundOptions) {
    const metrics = o.metrics ?? NO_METRICS;
    this.mo = new MoAssembler({
      kv: o.kv, publisher: o.publisher, subscribers: o.subscribers, logger: o.logger, metrics,
      keywordsFor: (org, id, e164) => o.numbers.keywordsFor(org, id, e164),
      optOutByIntentFor: (org, id, e164) => o.numbers.optOutByIntentFor(org, id, e164),
      reassemblyTimeoutMs: o.engine.timers.moReassemblyTimeoutMs, retryDelayMs: o.engine.limits.requeueDelayMs,
    });
    this.deps = {
      mo: this.mo, tracker: o.tracker, statuses: o.statuses, logger: o.logger, now: o.now, metrics,
      receiptHoldMs: o.engine.limits.receiptHoldMs, nextRecord: (ms, receiptIds) => o.recorded.next(ms, receiptIds),
      retryMaxMs: o.engine.limits.deliverSmRetryMaxMs, retryDelayMs: o.engine.limits.deliverSmRetryDelayMs,
      isRecording: (receiptIds) => o.recorded.isRecording(receiptIds),
      recordsFailing: () => o.recorded.recordsFailing,
      unmatched: new UnmatchedReceipts(o.engine.limits.receiptUnmatchedGiveUpMs),
    };
    o.events.on('started', (actor) => this.attach(actor));
    o.events.on('stopped', (actor) => this.detach(actor));
    o.events.on('deliverSm', (actor, session, pdu) => this.onDeliverSm(actor, session, pdu));
  }

  /** An integration is now ours: concatenated parts an earlier run stored and had not published yet. */
  attach(actor: IntegrationActor): void {
    this.mo.restore(actor.org, actor.id)
      .catch((err: unknown) => this.o.logger.warn({ err, org: actor.org, integration: actor.id }, 'stored inbound parts not restored'));
  }

  detach(actor: IntegrationActor): void {
    this.mo.release(actor.org, actor.id);
  }

  onDeliverSm(actor: IntegrationActor, session: SmppSession, pdu: DeliverSm): void {
    void handleDeliverSm(this.deps, this.contextOf(actor), session, pdu);
  }

  /**
   * One context per integration config: merging the advanced config (its code mapping is ~30 entries)
   * for every deliver_sm was ~2 KB of garbage per receipt. A config update replaces the config object.
   */
  private contextOf(actor: IntegrationActor): InboundContext {
    const ctx = this.contexts.get(actor.config);
    if (ctx && ctx.org === actor.org && ctx.integration === actor.id) return ctx;
    const made = {
      org: actor.org, integration: actor.id, config: actor.config,
      advanced: mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, actor.config.advanced),
    };
    this.contexts.set(actor.config, made);
    return made;
  }

  stop(): void {
    this.mo.stop();
  }
}
