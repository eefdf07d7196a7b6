// Correlates submit_sm_resp ids and delivery receipts per segment, in KV `byo_tracking` (bucket max
// age = limits.trackingTtlMs), so a receipt that arrives after a restart still finds its message.
// Exactly one final status per message: the compare-and-set that sets `final` is the one that publishes,
// and statuses carry a Nats-Msg-Id so a replay after a crash is dropped by JetStream.
import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { keys } from '../../adapters/nats/subjects.js';
import { casUpdateJson, getJson, encodeJson, type WarnLogger } from '../../adapters/nats/kv-json.js';
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
});
export type MessageTrack = z.infer<typeof messageTrackSchema>;

const submitRefSchema = z.object({ id: z.string(), index: z.int().min(0) });

export type ReceiptOutcome =
  | { kind: 'final'; track: MessageTrack }
  | { kind: 'recorded'; track: MessageTrack }
  | { kind: 'unknown' };

export class Tracker {
  constructor(private readonly kv: KV, private readonly log: WarnLogger) {}

  async find(org: string, integration: string, messageId: string): Promise<MessageTrack | undefined> {
    return (await getJson(this.kv, keys.message(org, integration, messageId), messageTrackSchema, this.log))?.value;
  }

  /** Records a fully submitted message: its track first, then one reference per segment id. */
  async recordSubmitted(org: string, integration: string, id: string, smscIds: string[], at: string): Promise<MessageTrack> {
    const track: MessageTrack = { v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), submittedAt: at };
    await this.kv.put(keys.message(org, integration, id), encodeJson(track));
    await Promise.all(smscIds.map((smscId, index) => {
      const k = submitKey(smscId);
      return k ? this.kv.put(keys.submit(org, integration, k), encodeJson({ id, index })) : Promise.resolve(0);
    }));
    return track;
  }

  /** A message that failed at submit: kept so late receipts for its sent segments are recognised. */
  async recordFailed(org: string, integration: string, id: string, smscIds: string[], error: GenericError, at: string): Promise<void> {
    if (smscIds.length === 0) return;
    const track: MessageTrack = {
      v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), final: 'failed', error: { ...error }, submittedAt: at,
    };
    await this.kv.put(keys.message(org, integration, id), encodeJson(track));
    await Promise.all(smscIds.map((smscId, index) => {
      const k = submitKey(smscId);
      return k ? this.kv.put(keys.submit(org, integration, k), encodeJson({ id, index })) : Promise.resolve(0);
    }));
  }

  /**
   * Applies a final receipt for one segment. `failure` undefined means delivered. Returns 'final' only to
   * the caller whose update decided the message's final state; 'unknown' when no submit matches (yet).
   */
  async applyReceipt(org: string, integration: string, receiptIds: string[], failure: GenericError | undefined): Promise<ReceiptOutcome> {
    const ref = await this.lookup(org, integration, receiptIds);
    if (!ref) return { kind: 'unknown' };
    const key = keys.message(org, integration, ref.id);
    const current = await getJson(this.kv, key, messageTrackSchema, this.log);
    if (!current || ref.index >= current.value.segments) return { kind: 'unknown' };
    let decided = false;
    const updated = await casUpdateJson(this.kv, key, messageTrackSchema, (entry) => {
      decided = false;
      const track = entry?.value ?? current.value;
      const seg = [...track.seg];
      seg[ref.index] = failure ? 'failed' : 'delivered';
      const next: MessageTrack = { ...track, seg };
      if (!track.final) {
        // failed as soon as one segment fails; delivered when every segment is
        if (failure) {
          next.final = 'failed';
          next.error = { ...failure };
          decided = true;
        } else if (seg.every((s) => s === 'delivered')) {
          next.final = 'delivered';
          decided = true;
        }
      }
      return next;
    }, { logger: this.log });
    return decided ? { kind: 'final', track: updated.value } : { kind: 'recorded', track: updated.value };
  }

  async forget(org: string, integration: string): Promise<void> {
    const list = await this.kv.keys(keys.messagesOf(org, integration));
    for await (const k of list) await this.kv.purge(k);
  }

  private async lookup(org: string, integration: string, receiptIds: string[]): Promise<z.infer<typeof submitRefSchema> | undefined> {
    const tried = new Set<string>();
    for (const rid of receiptIds) {
      for (const k of receiptKeys(rid)) {
        if (tried.has(k)) continue;
        tried.add(k);
        const hit = await getJson(this.kv, keys.submit(org, integration, k), submitRefSchema, this.log);
        if (hit) return hit.value;
      }
    }
    return undefined;
  }
}
