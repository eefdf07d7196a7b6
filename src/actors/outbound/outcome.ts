// What happens once a message's segments are all answered: the durable record first, then the status;
// the caller acks the JetStream message only after both, so a crash in between means a redelivery
// (which finds the record), never a loss. Order matters for receipts too: they find a message only
// through its segment references, written after `submitted` is published, so no final overtakes it.
import type { GenericError } from '../../domain/index.js';
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
