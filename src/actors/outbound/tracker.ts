// Correlates submit_sm_resp ids and delivery receipts per segment, in KV `byo_tracking` (bucket max
// age = limits.trackingTtlMs), so a receipt that arrives after a restart still finds its message.
// Exactly one final status per message: the compare-and-set that sets `final` is the one that publishes,
// and statuses carry a Nats-Msg-Id so a replay after a crash is dropped by JetStream.
import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { keys } from '../../adapters/nats/subjects.js';
import type { FastKv } from '../../adapters/nats/fast-kv.js';
import { CasContentionError, decodeJson, getJson, encodeJson, isWrongLastSequence, listKeys, type JsonEntry, type WarnLogger } from '../../adapters/nats/kv-json.js';
import { receiptKeys, submitKey } from '../../domain/message-id.js';
import type { GenericError } from '../../domain/error-map.js';

const segmentState = z.enum(['submitted', 'delivered', 'failed']);

export const messageTrackSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  segments: z.int().min(1),
  smscIds: z.array(z.string()),
  seg: z.array(segmentState),
  final: z.enum(['delivered', 'failed']).optional(),
  error: z.object({ genericErrorCode: z.number(), genericErrorCause: z.string(), protocolCode: z.string().optional(), description: z.string() }).optional(),
  submittedAt: z.string(),
  /** failed by a submit_sm_resp (its final status is the only one: there was no `submitted`) */
  failedAtSubmit: z.boolean().optional(),
});
export type MessageTrack = z.infer<typeof messageTrackSchema>;

const submitRefSchema = z.object({ id: z.string(), index: z.int().min(0) });

export type ReceiptOutcome =
  | { kind: 'final'; track: MessageTrack }
  | { kind: 'recorded'; track: MessageTrack }
  | { kind: 'unknown' };

export class Tracker {
  /** `fast`: the message path's reads and writes go through it (see fast-kv.ts); listing and purging use nats.js */
  constructor(private readonly kv: KV, private readonly log: WarnLogger, private readonly fast?: FastKv) {}

  private async put(key: string, value: unknown): Promise<void> {
    if (this.fast) await this.fast.put(key, encodeJson(value));
    else await this.kv.put(key, encodeJson(value));
  }

  private async update(key: string, value: unknown, revision: number): Promise<void> {
    if (this.fast) await this.fast.update(key, encodeJson(value), revision);
    else await this.kv.update(key, encodeJson(value), revision);
  }

  private async get<T>(key: string, schema: z.ZodType<T>): Promise<JsonEntry<T> | undefined> {
    if (!this.fast) return getJson(this.kv, key, schema, this.log);
    const entry = await this.fast.get(key);
    const value = entry ? decodeJson(entry, schema, this.log) : undefined;
    return entry && value !== undefined ? { key, value, revision: entry.revision } : undefined;
  }

  async find(org: string, integration: string, messageId: string): Promise<MessageTrack | undefined> {
    return (await this.get(keys.message(org, integration, messageId), messageTrackSchema))?.value;
  }

  /**
   * Records a fully submitted message. Two steps, with the `submitted` status published between them
   * (see Lane.finish): receipts find a message only through its references, so no final status can
   * overtake `submitted`.
   */
  async putTrack(org: string, integration: string, id: string, smscIds: string[], at: string): Promise<MessageTrack> {
    const track: MessageTrack = { v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), submittedAt: at };
    await this.put(keys.message(org, integration, id), track);
    return track;
  }

  /** One reference per segment id, so a receipt finds its message and segment. Idempotent. */
  async putRefs(org: string, integration: string, track: Pick<MessageTrack, 'id' | 'smscIds'>): Promise<void> {
    await Promise.all(track.smscIds.map((smscId, index) => {
      const k = submitKey(smscId);
      return k ? this.put(keys.submit(org, integration, k), { id: track.id, index }) : Promise.resolve();
    }));
  }

  /** A message that failed at submit: kept so late receipts for its sent segments are recognised. */
  async recordFailed(org: string, integration: string, id: string, smscIds: string[], error: GenericError, at: string): Promise<void> {
    if (smscIds.length === 0) return;
    const track: MessageTrack = {
      v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), final: 'failed', error: { ...error }, submittedAt: at,
      failedAtSubmit: true,
    };
    await this.put(keys.message(org, integration, id), track);
    await this.putRefs(org, integration, track);
  }

  /**
   * Applies a final receipt for one segment (`failure` undefined means delivered). When it decides the
   * message's final state, `publishFinal` runs BEFORE that state is stored: a crash in between leaves the
   * segment unrecorded, the SMSC re-sends the receipt, and the re-publish is dropped by JetStream's
   * de-duplication. Compare-and-set keeps concurrent receipts of one message from both deciding.
   */
  async applyReceipt(org: string, integration: string, receiptIds: string[], failure: GenericError | undefined,
    publishFinal: (track: MessageTrack) => Promise<void>): Promise<ReceiptOutcome> {
    const ref = await this.lookup(org, integration, receiptIds);
    if (!ref) return { kind: 'unknown' };
    const key = keys.message(org, integration, ref.id);
    for (let attempt = 0; attempt < 50; attempt++) {
      const entry = await this.get(key, messageTrackSchema);
      if (!entry || ref.index >= entry.value.segments) return { kind: 'unknown' };
      const track = entry.value;
      const seg = [...track.seg];
      seg[ref.index] = failure ? 'failed' : 'delivered';
      const next: MessageTrack = { ...track, seg };
      let decided = false;
      // failed as soon as one segment fails; delivered when every segment is
      if (!track.final && failure) {
        Object.assign(next, { final: 'failed', error: { ...failure } });
        decided = true;
      } else if (!track.final && seg.every((x) => x === 'delivered')) {
        next.final = 'delivered';
        decided = true;
      }
      if (decided) await publishFinal(next);
      try {
        await this.update(key, next, entry.revision);
        return decided ? { kind: 'final', track: next } : { kind: 'recorded', track: next };
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new CasContentionError(`gave up recording a receipt for ${key}: too many concurrent writers`);
  }

  async forget(org: string, integration: string): Promise<void> {
    for (const k of await listKeys(this.kv, keys.messagesOf(org, integration))) await this.kv.purge(k);
  }

  private async lookup(org: string, integration: string, receiptIds: string[]): Promise<z.infer<typeof submitRefSchema> | undefined> {
    const tried = new Set<string>();
    for (const rid of receiptIds) {
      for (const k of receiptKeys(rid)) {
        if (tried.has(k)) continue;
        tried.add(k);
        const hit = await this.get(keys.submit(org, integration, k), submitRefSchema);
        if (hit) return hit.value;
      }
    }
    return undefined;
  }
}
