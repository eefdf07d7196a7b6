// What happens once a message's segments are all answered: the durable record first, then the status;
// the caller acks the JetStream message only after both, so a crash in between means a redelivery
// (which finds the record), never a loss. Order matters for receipts too: they find a message only
// through its segment references, written after `submitted` is published, so no final overtakes it.
import type { JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { settleMt } from '../../adapters/nats/index.js';
import type { GenericError } from '../../domain/index.js';
import type { EngineConfig } from '../../config/index.js';
import type { LaneJob } from '../../machines/index.js';
import type { OutboundMetrics } from './outbound-metrics.js';
import type { PendingRecords } from './pending-records.js';
import type { StatusPublisher } from './status-publisher.js';
import type { MessageTrack, Tracker } from './tracker.js';

export interface OutcomeDeps {
  tracker: Tracker;
  statuses: StatusPublisher;
  now: () => Date;
  /** a submit was recorded (these segment ids): held receipts for them may match now */
  onRecorded: (smscIds?: readonly string[]) => void;
  /** a submit with these segment ids is about to be recorded: receipts for it are held meanwhile */
  onRecording?: (smscIds: readonly string[]) => void;
}

/** `receivedAt`: when BYO_MT stored the message, kept in the track for the message trace */
export async function recordSubmitted(d: OutcomeDeps, org: string, integration: string, id: string, smscIds: string[], receivedAt?: string): Promise<void> {
  d.onRecording?.(smscIds);
  const track = await d.tracker.putTrack(org, integration, id, smscIds, d.now().toISOString(), receivedAt);
  await d.statuses.submitted(org, integration, id, smscIds);
  await d.tracker.putRefs(org, integration, track);
  d.onRecorded(smscIds);
}

export async function recordFailed(d: OutcomeDeps, org: string, integration: string, id: string,
  segments: number, smscIds: string[], failure: GenericError, receivedAt?: string): Promise<void> {
  await d.tracker.recordFailed(org, integration, id, smscIds, failure, d.now().toISOString(), receivedAt);
  await d.statuses.final(org, integration, id, 'failed', segments, smscIds, failure);
}

/**
 * A redelivered message that was already recorded: a crash may have come between recording and
 * publishing, so finish what recordSubmitted / recordFailed started (JetStream drops a repeat status).
 */
export async function replayRecorded(d: OutcomeDeps, org: string, integration: string, known: MessageTrack): Promise<void> {
  if (known.failedAtSubmit) {
    await d.statuses.final(org, integration, known.id, 'failed', known.segments, known.smscIds, known.error);
    return;
  }
  await d.statuses.submitted(org, integration, known.id, known.smscIds);
  await d.tracker.putRefs(org, integration, known);
  d.onRecorded(known.smscIds);
}

/**
 * Admission of a message that may be a repeat (`lookup`: a redelivery, or not published under its own id).
 * Its record still being written by this engine (NATS away; this lane or one the owner fence replaced)
 * is waited for first, with the delivery kept in progress; a message found recorded is finished (replayed)
 * and its delivery settled: true. Throws when tracking cannot be read. Returning false, no record of it is
 * being written: the caller decides in the same tick (no await between) whether it still holds the message.
 */
export async function replayIfKnown(d: OutcomeDeps & { pendingRecords: PendingRecords }, org: string, integration: string,
  m: JsMsg, id: string, lookup: boolean): Promise<boolean> {
  for (let waited = false; ;) {
    waited = (await d.pendingRecords.settled(org, integration, id, () => settleMt(m, { kind: 'inProgress' }))) || waited;
    const lookedAt = performance.now();
    const known = lookup || waited ? await d.tracker.find(org, integration, id) : undefined;
    if (known) {
      if (m.info.redelivered || waited) await replayRecorded(d, org, integration, known);
      settleMt(m, { kind: 'replayed' });
      return true;
    }
    // a lane recorded it (or began to) while we read: its submit_sm_resp came meanwhile; look again
    if (!d.pendingRecords.has(org, integration, id, lookedAt)) return false;
    lookup = true;
  }
}

/** what recordOutcome needs of the lane: its deps, settings and hooks */
export interface RecordJobDeps extends OutcomeDeps {
  pendingRecords: PendingRecords;
  engine: Readonly<EngineConfig>;
  metrics: OutboundMetrics;
  onRecordFailing?: (message: string, failing: boolean) => void;
}

/**
 * A finished message's record (submitted, or failed with every segment answered), retried until it is
 * written; the JetStream message is acked only then, and kept in progress while it is retried.
 */
export function recordOutcome(d: RecordJobDeps, org: string, integration: string, job: LaneJob<JsMsg>, log: Logger): void {
  const ids = job.smscIds.filter((s): s is string => s !== undefined);
  const failure = job.failure;
  const id = job.prepared.id;
  const receivedAt = new Date(job.msg.info.timestampNanos / 1e6).toISOString();
  const key = `${org}.${integration}.${id}`;
  const work = failure
    ? () => recordFailed(d, org, integration, id, job.smscIds.length, ids, failure, receivedAt)
    : () => recordSubmitted(d, org, integration, id, ids, receivedAt);
  void d.pendingRecords.track(org, integration, id, untilDone(work, {
    retryDelayMs: d.engine.limits.requeueDelayMs, maxDelayMs: d.engine.limits.throttleBackoffMaxMs,
    onRetry: (err, attempt) => {
      log.warn({ err, message: id, attempt }, 'recording a message outcome failed; retrying');
      d.onRecordFailing?.(key, true);
      settleMt(job.msg, { kind: 'inProgress' });
    },
  })).then(() => {
    d.onRecordFailing?.(key, false);
    settleMt(job.msg, { kind: 'recorded' });
    if (!failure) d.metrics.submitted(Math.max(0, Date.now() - job.msg.info.timestampNanos / 1e6) / 1000);
  });
}

/** Retries `work` until it succeeds: doubling from `retryDelayMs`, at most `maxDelayMs` apart. */
export async function untilDone(work: () => Promise<void>, opts: { retryDelayMs: number; maxDelayMs: number; onRetry: (err: unknown, attempt: number) => void }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      opts.onRetry(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(opts.maxDelayMs, opts.retryDelayMs * 2 ** Math.min(attempt - 1, 10))));
    }
  }
}
