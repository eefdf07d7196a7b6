// Outbound messages no integration will ever send: those queued for an integration that was deleted,
// and those published for one that does not exist (a typo in the subject, a deleted id). Each gets a
// `rejected` status saying why, then leaves BYO_MT; nothing is dropped without a word.
//
// A sweep looks at BYO_MT's subjects every `sweepMs`. A subject is rejected only when its integration
// was unknown at two sweeps in a row, so a message published just before its integration is created
// is not refused. Messages of a known integration always wait, whatever its state.
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { type NatsHandle, STREAMS, settleMt, subjects } from '../../adapters/nats/index.js';
import { GENERIC_PERMANENT, type IntegrationStore } from '../../domain/index.js';
import { readMt } from './read-mt.js';
import type { StatusPublisher } from './status-publisher.js';
import type { Tracker } from './tracker.js';

export interface UnroutableDeps {
  nats: NatsHandle;
  store: Pick<IntegrationStore, 'get'>;
  statuses: StatusPublisher;
  /** what a lane already recorded: such a message has its own outcome and gets no second one here */
  tracker?: Pick<Tracker, 'find'>;
  logger: Logger;
  /** how often BYO_MT is checked for subjects of unknown integrations */
  sweepMs: number;
  /** lifetime of one fetch from the temporary consumer (the MT pull lifetime) */
  fetchExpiresMs: number;
}

/** messages fetched per round trip while rejecting a queue */
const FETCH_BATCH = 256;

export class UnroutableMt {
  private timer: NodeJS.Timeout | undefined;
  /** subjects whose integration was unknown at the last sweep */
  private suspects = new Set<string>();
  private sweeping = false;

  constructor(private readonly d: UnroutableDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.d.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Rejects and removes every message queued on `byo.mt.<org>.<integration>`. The integration's own
   * durable consumer must be gone (a work-queue stream allows one consumer per subject).
   */
  async rejectAll(org: string, integration: string, cause: string, description: string): Promise<number> {
    const name = `unroutable_${org}_${integration}`;
    await this.d.nats.jsm.consumers.add(STREAMS.mt, {
      durable_name: name, filter_subject: subjects.mt(org, integration), ack_policy: AckPolicy.Explicit,
      // deleted when done; the threshold only cleans up after a crash in the middle
      deliver_policy: DeliverPolicy.All, inactive_threshold: 2 * this.d.sweepMs * 1_000_000,
    });
    let rejected = 0;
    try {
      const consumer = await this.d.nats.js.consumers.get(STREAMS.mt, name);
      for (;;) {
        const pending = (await consumer.info()).num_pending;
        if (pending === 0) break;
        const batch = await consumer.fetch({ max_messages: Math.min(pending, FETCH_BATCH), expires: this.d.fetchExpiresMs });
        for await (const m of batch) {
          await this.reject(org, integration, m, cause, description);
          rejected++;
        }
      }
    } finally {
      await this.d.nats.jsm.consumers.delete(STREAMS.mt, name).catch(() => false);
    }
    if (rejected) this.d.logger.warn({ org, integration, rejected, cause }, 'outbound messages rejected: no integration will send them');
    return rejected;
  }

  private async reject(org: string, integration: string, m: JsMsg, cause: string, description: string): Promise<void> {
    const read = readMt(m);
    const id = read.ok ? read.message.id : read.id;
    // A message a lane already recorded (its ack was lost) has its status: `submitted`, or a final
    // `failed` that is replayed as it was (JetStream drops the repeat), never a different one.
    const known = await this.d.tracker?.find(org, integration, id).catch(() => undefined);
    if (known) {
      if (known.failedAtSubmit) await this.d.statuses.final(org, integration, known.id, 'failed', known.segments, known.smscIds, known.error);
      this.d.logger.warn({ org, integration, id, cause }, 'queued message was already recorded by a lane: removed without a second status');
      settleMt(m, { kind: 'replayed' });
      return;
    }
    const error = { genericErrorCode: GENERIC_PERMANENT, genericErrorCause: cause, description };
    await this.d.statuses.final(org, integration, id, 'rejected', 0, [], error);
    settleMt(m, { kind: 'unroutable', error }, this.d.logger);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const info = await this.d.nats.jsm.streams.info(STREAMS.mt, { subjects_filter: subjects.mtAll });
      const unknown = new Set<string>();
      for (const subject of Object.keys(info.state.subjects ?? {})) {
        const target = subjects.parseMt(subject);
        if (!target) {
          // no status subject can be built for it: drop it, loudly
          const { purged } = await this.d.nats.jsm.streams.purge(STREAMS.mt, { filter: subject });
          this.d.logger.error({ subject, purged }, 'dropped outbound messages published on a subject that names no integration (use byo.mt.<org>.<integration>)');
          continue;
        }
        if (await this.d.store.get(target.org, target.integration)) continue;
        unknown.add(subject);
        if (!this.suspects.has(subject)) continue;
        await this.rejectAll(target.org, target.integration, 'INTEGRATION_NOT_FOUND',
          `integration ${target.integration} does not exist in org ${target.org}: the message was published on ${subject}`);
      }
      this.suspects = unknown;
    } catch (err) {
      this.d.logger.warn({ err }, 'sweep of BYO_MT for unknown integrations failed; will retry');
    } finally {
      this.sweeping = false;
    }
  }
}
