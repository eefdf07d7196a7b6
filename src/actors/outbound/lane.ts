// One integration's outbound lane: the lane machine (src/machines/lane-machine.ts) decides when it
// consumes, paces, pauses and drains; this actor does its I/O. A durable JetStream consumer on
// byo.mt.<org>.<int> runs while the integration is active (otherwise messages wait in JetStream), the
// book queues segments, the pump spreads them round-robin over the bound binds, and the JetStream ack
// goes out only once every segment has a final submit_sm_resp (or the message a final status).
import { createActor, toPromise, type Actor } from 'xstate';
import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { settleMt, type LostPulls, type NatsHandle, type ParkingLot } from '../../adapters/nats/index.js';
import type { SmppSession, SubmitSmResp } from '../../adapters/smpp/index.js';
import { DEFAULT_ADVANCED_CONFIG, mergeAdvancedConfig, type AdvancedConfig, type EngineConfig } from '../../config/index.js';
import {
  AUTO_RESPONSE_HEADER, classifyCommandStatus, GENERIC_PERMANENT, mapProtocolCode, optOutRejection,
  prepareMessage, type ComplianceDeps, type MtRejection,
} from '../../domain/index.js';
import { LaneBook, laneMachine, type LaneIo, type LaneJob, type LaneSegment } from '../../machines/index.js';
import type { IntegrationActor } from '../index.js';
import { readMt } from './read-mt.js';
import { startLaneConsumer } from './lane-consumer.js';
import { commandStatusLabel, submitErrorLabel, type OutboundMetrics } from './outbound-metrics.js';
import type { StatusPublisher } from './status-publisher.js';
import { recordOutcome, replayIfKnown } from './outcome.js';
import type { Tracker } from './tracker.js';
import type { PendingRecords } from './pending-records.js';

export interface LaneDeps {
  actor: IntegrationActor;
  nats: NatsHandle;
  tracker: Tracker;
  statuses: StatusPublisher;
  isActiveSender: (org: string, integration: string, e164: string) => boolean;
  compliance: ComplianceDeps;
  engine: Readonly<EngineConfig>;
  logger: Logger;
  now: () => Date;
  /** a submit was recorded: held receipts may match now; one is about to be (see OutcomeDeps) */
  onRecorded: () => void; onRecording?: (smscIds: readonly string[]) => void;
  /** a record failed and is retried (true), or was written at last (false): see RecordSignal.recordFailing */
  onRecordFailing?: (message: string, failing: boolean) => void;
  metrics: OutboundMetrics;
  pendingRecords: PendingRecords; // outcome records being written by any lane of this engine
  /** re-pulls what nats-server < 2.9.16 dropped without a 408 (absent on newer servers) */
  lostPulls?: LostPulls;
  /** parks the consumer while the lane is idle (absent: BYO_MT_PARKED_CHECK_MS=0) */
  parking?: ParkingLot;
}

type Job = LaneJob<JsMsg>;
type Segment = LaneSegment<JsMsg>;

export class Lane {
  private readonly book = new LaneBook<JsMsg, SmppSession>();
  private readonly io: LaneIo<JsMsg, SmppSession>;
  private readonly machine: Actor<typeof laneMachine>;
  /** the machine is `ready`: the hot path pumps without an event */
  private flowing = false;
  private draining = false;
  /** what the machine was last told (lane.active / lane.inactive) */
  private active = false;
  private reference = Math.floor(Math.random() * 256);
  private advanced: AdvancedConfig;
  private readonly log: Logger;
  /** armed only while the lane holds messages (see touchJobs) */
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly now = Date.now;
  /** settles once the last consumer stopped has been seen stopped by nats-server (see release) */
  private consumerGone: Promise<void> = Promise.resolve();
  /** releases not yet sent: stop() waits for them, so shutdown does not close NATS under them */
  private releases: Promise<void> = Promise.resolve();
  /** segments re-sent after a timeout or a lost bind: their first copy may have reached the SMSC */
  resubmitted = 0;

  constructor(private readonly d: LaneDeps) {
    this.log = d.logger.child({ org: d.actor.org, integration: d.actor.id, part: 'outbound' });
    this.advanced = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, d.actor.config.advanced);
    this.configure();
    this.io = {
      sessions: d.actor.sessions,
      submit: (seg, session) => this.submit(seg, session),
      settleIfDone: (job) => this.settleIfDone(job),
      release: (job) => this.release(job),
    };
    const { limits } = d.engine;
    this.machine = createActor(laneMachine, {
      input: {
        consume: () => this.consume(),
        book: this.book, io: this.io, clock: { now: Date.now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout) },
        timers: { throttleBackoffMs: limits.throttleBackoffMs, throttleBackoffMaxMs: limits.throttleBackoffMaxMs, requeueDelayMs: limits.requeueDelayMs },
      },
    });
    this.machine.subscribe({
      next: (s) => {
        const v = s.value as string | { consuming?: string; draining?: string };
        this.flowing = typeof v === 'object' && (v.consuming ?? v.draining) === 'ready';
        this.draining = typeof v === 'object' && v.draining !== undefined;
      },
      complete: () => { this.flowing = false; this.draining = false; },
    });
    this.machine.on('rebind', ({ bind, reason }) => {
      this.log.warn({ bind }, 'SMSC says the bind is not bound (ESME_RINVBNDSTS): rebinding it');
      d.actor.requestRebind(bind, reason);
    });
    this.machine.start();
  }

  get org() { return this.d.actor.org; }
  get integration() { return this.d.actor.id; }
  private get id() { return this.d.actor.id; }

  depth(): { queuedSegments: number; openMessages: number } {
    return this.book.depth();
  }

  /** Re-read config (rate, advanced) after an update. */
  configure(): void {
    this.advanced = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, this.d.actor.config.advanced);
    this.book.setRate(this.d.engine.limits.rateLimitOverrideMps ?? this.d.actor.config.messagesPerSecond);
  }

  /** Called whenever the integration's state or its binds' capacity may have changed. */
  sync(): void {
    if (!this.syncActive()) this.pump();
  }

  /** Tells the machine when the integration became active or stopped being so; false: unchanged. */
  private syncActive(): boolean {
    const active = this.d.actor.active;
    if (active === this.active) return false;
    this.active = active;
    this.machine.send({ type: active ? 'lane.active' : 'lane.inactive' });
    return true;
  }

  /**
   * Graceful stop (SIGTERM, ownership moving): no new messages; messages not started go back to
   * JetStream; started ones get up to `drainMs` to finish, so a restart does not send them twice.
   */
  async stop(drainMs = 0): Promise<void> {
    // gone inactive unnoticed? then nothing can finish: stop at once (a lane never started stays so)
    if (this.active) this.syncActive();
    this.machine.send({ type: 'lane.stop', drainMs });
    await toPromise(this.machine).catch((err: unknown) => this.log.error({ err }, 'lane machine failed while stopping'));
    clearInterval(this.keepAlive);
    await this.releases;
  }

  /**
   * Hands a message not started back to JetStream, once its consumer is gone. The machine releases
   * on entering its next state, and XState stops the consumer of the state left only after that: a
   * nak sent at once was redelivered into the stopping consumer's open pull, to an inbox unsubscribed a
   * moment later, where it sat unseen for a whole ack wait (60 s). A promise callback runs after the
   * machine's step, so consumerGone is the stop of that consumer by then.
   */
  private release(job: Job): void {
    this.releases = this.releases.then(() => this.consumerGone).then(() => {
      try {
        settleMt(job.msg, { kind: 'released' });
      } catch (err) {
        // NATS closed: the message comes back after its ack wait
        this.log.warn({ err, message: job.prepared.id }, 'could not hand a message back to JetStream');
      }
    });
  }

  /** The hot path: while the machine is `ready`, pump without an event; only a wait is one. */
  private pump(): void {
    if (this.flowing && this.book.pump(this.now, this.io) === 'wait') this.machine.send({ type: 'lane.wait' });
  }

  /** The JetStream consumer, run by the machine while `consuming`; returns how to stop it. */
  private consume(): () => void {
    const stop = startLaneConsumer({ ...this.d, log: this.log }, this.org, this.id, {
      onMessage: (m) => this.acceptSafely(m), onLostPull: (n) => this.onLostPull(n), holdsNothing: () => this.book.depth().openMessages === 0,
    });
    return () => { this.consumerGone = stop(); };
  }

  private onLostPull(messages: number): void {
    this.d.metrics.lostPull(this.org, this.id);
    this.log.debug({ messages }, 'nats-server ended a pull without its 408; pulled again');
  }

  private acceptSafely(m: JsMsg): void {
    try {
      this.accept(m);
    } catch (err) {
      // a bug here must not end the consumer; the message comes back after the requeue delay
      this.log.error({ err, seq: m.seq }, 'MT message handling threw; redelivering later');
      settleMt(m, { kind: 'deferred', reason: 'handling threw', delayMs: this.d.engine.limits.requeueDelayMs });
    }
  }

  private accept(m: JsMsg): void {
    const read = readMt(m);
    if (!read.ok) return this.reject(m, read.id, read.rejection);
    void this.admit(m, read.message, read.lookup);
  }

  private async admit(m: JsMsg, message: { id: string; from: string; to: string; text: string }, lookup: boolean): Promise<void> {
    try {
      // a record of this id written here just now: look it up even on a first delivery (a second copy)
      const recent = lookup || this.d.pendingRecords.has(this.org, this.id, message.id, 0);
      if (await replayIfKnown(this.d, this.org, this.id, m, message.id, recent)) return;
    } catch (err) {
      this.log.warn({ err }, 'tracking lookup failed; redelivering later');
      settleMt(m, { kind: 'deferred', reason: 'tracking lookup failed', delayMs: this.d.engine.limits.requeueDelayMs });
      return;
    }
    // the lane stopped during the lookup: no book will send or hand it back
    if (this.machine.getSnapshot().status !== 'active') {
      settleMt(m, { kind: 'released' });
      return;
    }
    // still open here: redelivered (its lease lapsed) or delivered twice. The job goes on under the newer
    // delivery; sent again, it would reach the handset twice (CI: one first delivery, two submit_sm)
    const open = this.book.openJob(message.id);
    if (m.info.redelivered || open) this.log.debug({ message: message.id, delivery: m.info.deliveryCount, seq: m.seq, heldSeq: open?.msg.seq }, 'MT message admitted again');
    if (open) {
      // the same stream message: its newer delivery carries on; another copy of the id: done with
      if (open.msg.seq === m.seq) open.msg = m;
      else settleMt(m, { kind: 'replayed' });
      return;
    }
    const optedOut = optOutRejection(this.d.compliance, this.org, this.id, message, m.headers?.get(AUTO_RESPONSE_HEADER));
    if (optedOut) return this.reject(m, message.id, optedOut);
    const senderActive = this.d.isActiveSender(this.org, this.id, message.from);
    this.reference = (this.reference + 1) & 0xff;
    const p = prepareMessage(message, this.d.actor.config, this.advanced, { senderActive, reference: this.reference });
    if (!p.ok) return this.reject(m, message.id, p.rejection);
    this.book.admit(m, p.message, Date.now());
    this.keepAlive ??= setInterval(() => this.touchJobs(), Math.max(1000, this.d.engine.limits.mtAckWaitMs / 3)).unref();
    this.pump();
  }

  private reject(m: JsMsg, id: string, r: MtRejection): void {
    const error = { genericErrorCode: GENERIC_PERMANENT, ...r };
    this.d.statuses.final(this.org, this.id, id, 'rejected', 0, [], error)
      .then(() => settleMt(m, { kind: 'rejected', error }, this.log), (err: unknown) => {
        this.log.warn({ err }, 'rejected status not stored; redelivering');
        settleMt(m, { kind: 'deferred', reason: 'rejected status not stored', delayMs: this.d.engine.limits.requeueDelayMs });
      });
  }

  private submit(seg: Segment, session: SmppSession): void {
    session.submit(seg.job.prepared.pdus[seg.index]!, this.d.engine.timers.responseTimeoutMs)
      .then((resp) => this.onResp(seg, resp, session), (err: unknown) => this.onSubmitError(seg, err));
  }

  private onResp(seg: Segment, resp: SubmitSmResp, session: SmppSession): void {
    this.d.metrics.submitOutcome(this.org, this.id, commandStatusLabel(resp.commandStatus));
    const mapping = this.advanced.protocolSpecificCodeMapping;
    const verdict = classifyCommandStatus(resp.commandStatus, mapping);
    const consecutive = this.book.answer(seg, verdict, resp.messageId, () => mapProtocolCode(resp.commandStatus, mapping));
    if (consecutive > 0) {
      // Temporary (THROTTLED, MSGQFUL, SYSERR…): the machine pauses the lane; the segment goes again.
      // ESME_RINVBNDSTS: the SMSC no longer counts this session as bound; its bind machine rebinds it
      // (a late answer from a session already replaced names no bind and is ignored)
      const bind = verdict === 'rebind' ? this.d.actor.sessions.indexOf(session) : -1;
      this.machine.send({ type: 'lane.retry', commandStatus: resp.commandStatus, consecutive, bind: bind >= 0 ? bind : undefined });
    }
    this.settleIfDone(seg.job);
    this.pump();
  }

  private onSubmitError(seg: Segment, err: unknown): void {
    const code = (err as { code?: string }).code;
    if (code === 'RESPONSE_TIMEOUT' || code === 'SESSION_CLOSED' || code === 'GENERIC_NACK') this.resubmitted++;
    this.d.metrics.submitOutcome(this.org, this.id, submitErrorLabel(code));
    this.log.debug({ err, message: seg.job.prepared.id, segment: seg.index }, 'submit_sm not answered; sending again');
    this.book.unanswered(seg);
    this.pump();
  }

  private settleIfDone(job: Job): void {
    if (!this.book.finish(job)) return;
    if (this.draining) this.machine.send({ type: 'lane.job_finished' });
    recordOutcome(this.d, this.org, this.id, job, this.log);
  }

  /** Held messages keep their JetStream lease; the timer stops once none is held (idle lanes: no timer). */
  private touchJobs(): void {
    for (const job of this.book.leasesDue(Date.now(), this.d.engine.limits.mtAckWaitMs / 3)) settleMt(job.msg, { kind: 'inProgress' });
    if (this.book.depth().openMessages === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}
