// One integration's outbound lane: a durable JetStream consumer on byo.mt.<org>.<int> that runs only
// while the integration is active (otherwise messages wait in JetStream), a queue of segments paced by
// the rate limiter, spread round-robin over the bound binds, and the JetStream ack sent only once every
// segment has a final submit_sm_resp (or the message a final status).
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { consumeMt, settleMt, type NatsHandle } from '../../adapters/nats/index.js';
import type { SmppSession, SubmitSmResp } from '../../adapters/smpp/index.js';
import { DEFAULT_ADVANCED_CONFIG, mergeAdvancedConfig, type AdvancedConfig, type EngineConfig } from '../../config/index.js';
import {
  AUTO_RESPONSE_HEADER, classifyCommandStatus, COMMAND_STATUS, GENERIC_PERMANENT, mapProtocolCode, nextWritable, optOutRejection,
  prepareMessage, RateLimiter, throttlePauseMs, type ComplianceDeps, type GenericError, type MtRejection, type PreparedMessage,
} from '../../domain/index.js';
import type { IntegrationActor } from '../index.js';
import { readMt } from './read-mt.js';
import { commandStatusLabel, submitErrorLabel, type OutboundMetrics } from './outbound-metrics.js';
import type { StatusPublisher } from './status-publisher.js';
import { recordFailed, recordSubmitted, replayIfKnown, untilDone } from './outcome.js';
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
  onRecorded: () => void; onRecording?: (smscIds: readonly string[]) => void; // recorded: held receipts may match now; about to be
  metrics: OutboundMetrics;
  pendingRecords: PendingRecords; // outcome records being written by any lane of this engine
}

interface Job {
  msg: JsMsg;
  prepared: PreparedMessage;
  smscIds: (string | undefined)[];
  inFlight: number;
  remaining: number;
  started: boolean;
  failure?: GenericError;
  lastWorkingMs: number;
}
interface Segment { job: Job; index: number }

export class Lane {
  private readonly queue: Segment[] = [];
  private readonly jobs = new Set<Job>();
  private consuming: ConsumerMessages | undefined;
  private starting = false;
  private pausedUntilMs = 0;
  private throttles = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextBind = 0;
  private reference = Math.floor(Math.random() * 256);
  private limiter: RateLimiter | undefined;
  private advanced: AdvancedConfig;
  private readonly log: Logger;
  private readonly keepAlive: NodeJS.Timeout;
  /** segments re-sent after a timeout or a lost bind: their first copy may have reached the SMSC */
  resubmitted = 0;

  constructor(private readonly d: LaneDeps) {
    this.log = d.logger.child({ org: d.actor.org, integration: d.actor.id, part: 'outbound' });
    this.advanced = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, d.actor.config.advanced);
    this.configure();
    // Messages that wait for a bind keep their JetStream lease instead of being redelivered.
    this.keepAlive = setInterval(() => this.touchJobs(), Math.max(1000, d.engine.limits.mtAckWaitMs / 3)).unref();
  }

  get org() { return this.d.actor.org; }
  get integration() { return this.d.actor.id; }
  private get id() { return this.d.actor.id; }

  depth(): { queuedSegments: number; openMessages: number } {
    return { queuedSegments: this.queue.length, openMessages: this.jobs.size };
  }

  /** Re-read config (rate, advanced) after an update. */
  configure(): void {
    this.advanced = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, this.d.actor.config.advanced);
    const mps = this.d.engine.limits.rateLimitOverrideMps ?? this.d.actor.config.messagesPerSecond;
    if (this.limiter?.messagesPerSecond !== mps) this.limiter = mps > 0 ? new RateLimiter(mps) : undefined;
  }

  /** Called whenever the integration's state or its binds' capacity may have changed. */
  sync(): void {
    if (this.d.actor.active) {
      if (!this.consuming && !this.starting) void this.startConsuming();
      this.pump();
    } else if (this.consuming) {
      this.stopConsuming();
    }
  }

  /**
   * Graceful stop (SIGTERM, ownership moving): no new messages; messages not started go back to
   * JetStream; started ones get up to `drainMs` to finish, so a restart does not send them twice.
   */
  async stop(drainMs = 0): Promise<void> {
    this.stopConsuming();
    const deadline = Date.now() + drainMs;
    while ([...this.jobs].some((j) => j.started) && Date.now() < deadline && this.d.actor.active) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.keepAlive);
    if (this.timer) clearTimeout(this.timer);
    // Whatever is left goes back to JetStream for the next owner.
    for (const job of this.jobs) if (job.inFlight === 0) settleMt(job.msg, { kind: 'released' });
    this.jobs.clear();
    this.queue.length = 0;
  }

  private async startConsuming(): Promise<void> {
    this.starting = true;
    try {
      const { limits } = this.d.engine;
      const messages = await consumeMt(this.d.nats, this.org, this.id,
        { ackWaitMs: limits.mtAckWaitMs, maxInFlight: limits.maxInFlightMessagesPerIntegration, pullExpiresMs: this.d.engine.timers.mtPullExpiresMs },
        (m) => this.acceptSafely(m), (err) => this.log.warn({ err }, 'MT consumer ended'));
      // deactivated while the consumer was being set up: hand everything back at once
      if (!this.d.actor.active) messages.stop();
      else this.consuming = messages;
    } catch (err) {
      this.log.error({ err }, 'cannot start MT consumer; retrying');
      setTimeout(() => this.sync(), this.d.engine.limits.requeueDelayMs).unref();
    } finally {
      this.starting = false;
    }
  }

  private stopConsuming(): void {
    this.consuming?.stop();
    this.consuming = undefined;
    // Not started yet: back to JetStream, where they wait for the integration to be active again.
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const { job } = this.queue[i]!;
      if (!job.started) {
        this.queue.splice(i, 1);
        if (this.jobs.delete(job)) settleMt(job.msg, { kind: 'released' });
      }
    }
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
      if (await replayIfKnown(this.d, this.org, this.id, m, message.id, lookup)) return;
    } catch (err) {
      this.log.warn({ err }, 'tracking lookup failed; redelivering later');
      settleMt(m, { kind: 'deferred', reason: 'tracking lookup failed', delayMs: this.d.engine.limits.requeueDelayMs });
      return;
    }
    // redelivered while still open here (its lease lapsed under load): the job goes on under the new delivery
    const open = m.info.redelivered ? [...this.jobs].find((j) => j.prepared.id === message.id) : undefined;
    if (open) {
      open.msg = m;
      return;
    }
    const optedOut = optOutRejection(this.d.compliance, this.org, this.id, message, m.headers?.get(AUTO_RESPONSE_HEADER));
    if (optedOut) return this.reject(m, message.id, optedOut);
    const senderActive = this.d.isActiveSender(this.org, this.id, message.from);
    this.reference = (this.reference + 1) & 0xff;
    const p = prepareMessage(message, this.d.actor.config, this.advanced, { senderActive, reference: this.reference });
    if (!p.ok) return this.reject(m, message.id, p.rejection);
    const job: Job = {
      msg: m, prepared: p.message, smscIds: p.message.pdus.map(() => undefined), inFlight: 0,
      remaining: p.message.pdus.length, started: false, lastWorkingMs: Date.now(),
    };
    this.jobs.add(job);
    for (let index = 0; index < job.remaining; index++) this.queue.push({ job, index });
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

  /** Sends as many queued segments as pacing, throttling and the binds' windows allow. */
  private pump(): void {
    if (this.timer) return;
    while (this.queue.length > 0) {
      if (!this.d.actor.active) return;
      const nowMs = Date.now();
      const wait = Math.max(this.pausedUntilMs - nowMs, this.limiter?.waitMs(nowMs) ?? 0);
      if (wait > 0) {
        this.timer = setTimeout(() => { this.timer = undefined; this.pump(); }, wait);
        return;
      }
      const session = this.pickSession();
      if (!session) return; // smpp.window_open or a new bind calls sync() again
      const seg = this.queue.shift()!;
      if (seg.job.failure) { this.settleIfDone(seg.job); continue; }
      this.limiter?.take(nowMs);
      seg.job.started = true;
      seg.job.inFlight++;
      session.submit(seg.job.prepared.pdus[seg.index]!, this.d.engine.timers.responseTimeoutMs)
        .then((resp) => this.onResp(seg, resp, session), (err: unknown) => this.onSubmitError(seg, err));
    }
  }

  private pickSession(): SmppSession | undefined {
    const picked = nextWritable(this.d.actor.sessions, this.nextBind);
    if (picked) this.nextBind = picked.next;
    return picked?.session;
  }

  private onResp(seg: Segment, resp: SubmitSmResp, session: SmppSession): void {
    const { job } = seg;
    job.inFlight--;
    this.d.metrics.submitOutcome(this.org, this.id, commandStatusLabel(resp.commandStatus));
    const verdict = classifyCommandStatus(resp.commandStatus, this.advanced.protocolSpecificCodeMapping);
    if (verdict === 'ok') {
      this.throttles = 0;
      job.smscIds[seg.index] = resp.messageId ?? '';
      job.remaining--;
    } else if (verdict === 'retry' || verdict === 'rebind') {
      // Temporary (THROTTLED, MSGQFUL, SYSERR…): pause the whole lane and send this segment again.
      this.throttles++;
      const base = resp.commandStatus === COMMAND_STATUS.ESME_RTHROTTLED ? this.d.engine.limits.throttleBackoffMs : this.d.engine.limits.requeueDelayMs;
      this.pausedUntilMs = Date.now() + throttlePauseMs(this.throttles, base, this.d.engine.limits.throttleBackoffMaxMs);
      this.queue.unshift(seg);
      // ESME_RINVBNDSTS: the SMSC no longer counts this session as bound; its bind machine rebinds it
      // (a late answer from a session already replaced names no bind and is ignored)
      const bind = verdict === 'rebind' ? this.d.actor.sessions.indexOf(session) : -1;
      if (bind >= 0) {
        this.log.warn({ bind, commandStatus: resp.commandStatus }, 'SMSC says the bind is not bound (ESME_RINVBNDSTS): rebinding it');
        this.d.actor.requestRebind(bind, 'SMSC answered ESME_RINVBNDSTS');
      }
    } else if (!job.failure) {
      job.failure = mapProtocolCode(resp.commandStatus, this.advanced.protocolSpecificCodeMapping);
    }
    this.settleIfDone(job);
    this.pump();
  }

  private onSubmitError(seg: Segment, err: unknown): void {
    seg.job.inFlight--;
    const code = (err as { code?: string }).code;
    if (code === 'RESPONSE_TIMEOUT' || code === 'SESSION_CLOSED' || code === 'GENERIC_NACK') this.resubmitted++;
    this.d.metrics.submitOutcome(this.org, this.id, submitErrorLabel(code));
    this.log.debug({ err, message: seg.job.prepared.id, segment: seg.index }, 'submit_sm not answered; sending again');
    this.queue.unshift(seg);
    this.pump();
  }

  private settleIfDone(job: Job): void {
    if (!this.jobs.has(job) || job.inFlight > 0 || (!job.failure && job.remaining > 0)) return;
    this.jobs.delete(job);
    const ids = job.smscIds.filter((s): s is string => s !== undefined);
    const failure = job.failure;
    if (failure) for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.job === job) this.queue.splice(i, 1);
    const receivedAt = new Date(job.msg.info.timestampNanos / 1e6).toISOString();
    const work = failure
      ? () => recordFailed(this.d, this.org, this.id, job.prepared.id, job.smscIds.length, ids, failure, receivedAt)
      : () => recordSubmitted(this.d, this.org, this.id, job.prepared.id, ids, receivedAt);
    void this.d.pendingRecords.track(this.org, this.id, job.prepared.id, untilDone(work, {
      retryDelayMs: this.d.engine.limits.requeueDelayMs, maxDelayMs: this.d.engine.limits.throttleBackoffMaxMs,
      onRetry: (err, attempt) => {
        this.log.warn({ err, message: job.prepared.id, attempt }, 'recording a message outcome failed; retrying');
        settleMt(job.msg, { kind: 'inProgress' });
      },
    })).then(() => {
      settleMt(job.msg, { kind: 'recorded' });
      if (!failure) this.d.metrics.submitted(Math.max(0, Date.now() - job.msg.info.timestampNanos / 1e6) / 1000);
    });
  }

  private touchJobs(): void {
    const now = Date.now();
    for (const job of this.jobs) {
      if (now - job.lastWorkingMs > this.d.engine.limits.mtAckWaitMs / 3) {
        settleMt(job.msg, { kind: 'inProgress' });
        job.lastWorkingMs = now;
      }
    }
  }
}
