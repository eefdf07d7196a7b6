// Correlates submit_sm_resp ids and delivery receipts per segment, in KV `byo_tracking` (bucket max
// age = limits.trackingTtlMs), so a receipt that arrives after a restart still finds its message.
// Exactly one final status per message: the compare-and-set that sets `final` is the one that publishes,
// and statuses carry a Nats-Msg-Id so a replay after a crash is dropped by JetStream.
import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import {
  keys, type FastKv, CasContentionError, STREAM_DEFAULTS, decodeJson, getJson, encodeJson, isWrongLastSequence, listKeys, type JsonEntry, type WarnLogger,
} from '../../adapters/nats/index.js';
import { receiptKeys, submitKey, type GenericError } from '../../domain/index.js';

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
  /** when BYO_MT stored the message (its JetStream timestamp): the trace's `received` */
  receivedAt: z.string().optional(),
  /** failed by a submit_sm_resp (its final status is the only one: there was no `submitted`) */
  failedAtSubmit: z.boolean().optional(),
});
export type MessageTrack = z.infer<typeof messageTrackSchema>;

/** A segment's reference. A single-segment message's reference carries its whole track, so a receipt
 *  for it costs one read, not two (the track under the message id is then only read on redelivery). */
const submitRefSchema = z.object({ id: z.string(), index: z.int().min(0), track: messageTrackSchema.optional() });
type SubmitRef = z.infer<typeof submitRefSchema>;

/**
 * How long this instance trusts its own memory of a single-segment reference it created (value and
 * revision) instead of reading it back when the receipt comes: a quarter of BYO_STATUS's Nats-Msg-Id window.
 * The hint only skips the read: the compare-and-set still decides, and when someone else wrote the reference
 * meanwhile it fails and the receipt reads it like any other. A final published from a stale hint is then a
 * repeat of one published after the reference was created, so less than this ago: inside the window, dropped.
 */
export const REF_HINT_MAX_AGE_MS = STREAM_DEFAULTS.duplicateWindowMs / 4;
/** at most this many hints are kept, the oldest dropped first (each holds a reference with its track: some 0.5 KB) */
export const REF_HINT_MAX_ENTRIES = 50_000;

interface RefHint { value: SubmitRef; revision: number; atMs: number }

export type ReceiptOutcome =
  | { kind: 'final'; track: MessageTrack }
  | { kind: 'recorded'; track: MessageTrack }
  | { kind: 'unknown' };

export class Tracker {
  /** `fast`: the message path's reads and writes go through it (see fast-kv.ts); listing and purging use nats.js */
  constructor(private readonly kv: KV, private readonly log: WarnLogger, private readonly fast?: FastKv,
    private readonly nowMs: () => number = Date.now) {}

  /** single-segment references created here, by key, oldest first (see REF_HINT_MAX_AGE_MS) */
  private readonly hints = new Map<string, RefHint>();

  private async put(key: string, value: unknown): Promise<void> {
    if (this.fast) await this.fast.put(key, encodeJson(value));
    else await this.kv.put(key, encodeJson(value));
  }

  /** Writes only when the key has no value yet; an existing one is left as it is. The new revision, if written. */
  private async create(key: string, value: unknown): Promise<number | undefined> {
    try {
      if (this.fast) return (await this.fast.update(key, encodeJson(value), 0)).seq;
      return await this.kv.create(key, encodeJson(value));
    } catch (err) {
      // an existing key: nats.js's kv.create rejects with the server's wrong-last-sequence error too
      if (!isWrongLastSequence(err)) throw err;
      return undefined;
    }
  }

  private remember(key: string, value: SubmitRef, revision: number): void {
    const atMs = this.nowMs();
    this.hints.delete(key);
    for (const [k, h] of this.hints) {
      if (this.hints.size < REF_HINT_MAX_ENTRIES && atMs - h.atMs <= REF_HINT_MAX_AGE_MS) break;
      this.hints.delete(k);
    }
    this.hints.set(key, { value, revision, atMs });
  }

  /** the hint for one of the receipt's keys, taken (used once) */
  private takeHint(org: string, integration: string, receiptIds: string[]): JsonEntry<SubmitRef> | undefined {
    if (this.hints.size === 0) return undefined;
    for (const rid of receiptIds) {
      for (const k of receiptKeys(rid)) {
        const key = keys.submit(org, integration, k);
        const h = this.hints.get(key);
        if (!h) continue;
        this.hints.delete(key);
        return this.nowMs() - h.atMs <= REF_HINT_MAX_AGE_MS ? { key, value: h.value, revision: h.revision } : undefined;
      }
    }
    return undefined;
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
   * (see Lane.settleIfDone): receipts find a message only through its references, so no final status can
   * overtake `submitted`.
   */
  async putTrack(org: string, integration: string, id: string, smscIds: string[], at: string, receivedAt?: string): Promise<MessageTrack> {
    const track: MessageTrack = {
      v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), submittedAt: at, ...(receivedAt ? { receivedAt } : {}),
    };
    await this.put(keys.message(org, integration, id), track);
    return track;
  }

  /** One reference per segment id, so a receipt finds its message and segment. Idempotent. */
  async putRefs(org: string, integration: string, track: MessageTrack): Promise<void> {
    const single = track.smscIds.length === 1 && track.segments === 1;
    await Promise.all(track.smscIds.map((smscId, index) => {
      const k = submitKey(smscId);
      if (!k) return Promise.resolve();
      // a reference that carries the track is only created, never replaced: on a replay after a crash
      // the receipt may already have recorded the final state in it
      if (!single) return this.put(keys.submit(org, integration, k), { id: track.id, index });
      const key = keys.submit(org, integration, k);
      const ref = { id: track.id, index, track };
      return this.create(key, ref).then((revision) => {
        if (revision !== undefined) this.remember(key, ref, revision);
      });
    }));
  }

  /** A message that failed at submit: kept so late receipts for its sent segments are recognised. */
  async recordFailed(org: string, integration: string, id: string, smscIds: string[], error: GenericError, at: string, receivedAt?: string): Promise<void> {
    if (smscIds.length === 0) return;
    const track: MessageTrack = {
      v: 1, id, segments: smscIds.length, smscIds, seg: smscIds.map(() => 'submitted'), final: 'failed', error: { ...error }, submittedAt: at,
      failedAtSubmit: true, ...(receivedAt ? { receivedAt } : {}),
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
    const hit = this.takeHint(org, integration, receiptIds) ?? await this.lookup(org, integration, receiptIds);
    if (!hit) return { kind: 'unknown' };
    const index = hit.value.index;
    // where the track lives: in the reference (single segment) or under the message id
    const inRef = hit.value.track !== undefined;
    const key = inRef ? hit.key : keys.message(org, integration, hit.value.id);
    let entry: { value: MessageTrack; revision: number } | undefined = inRef ? { value: hit.value.track!, revision: hit.revision } : undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      if (attempt > 0 || !entry) entry = await this.readTrack(key, inRef);
      if (!entry || index >= entry.value.segments) return { kind: 'unknown' };
      const track = entry.value;
      const seg = [...track.seg];
      seg[index] = failure ? 'failed' : 'delivered';
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
        await this.update(key, inRef ? { id: hit.value.id, index, track: next } : next, entry.revision);
        return decided ? { kind: 'final', track: next } : { kind: 'recorded', track: next };
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new CasContentionError(`gave up recording a receipt for ${key}: too many concurrent writers`);
  }

  /** The tracked message a receipt-like PDU (an SME acknowledgement) names, without recording anything. */
  async messageFor(org: string, integration: string, receiptIds: string[]): Promise<MessageTrack | undefined> {
    const hit = await this.lookup(org, integration, receiptIds);
    if (!hit) return undefined;
    return hit.value.track ?? (await this.readTrack(keys.message(org, integration, hit.value.id), false))?.value;
  }

  private async readTrack(key: string, inRef: boolean): Promise<{ value: MessageTrack; revision: number } | undefined> {
    if (!inRef) return this.get(key, messageTrackSchema);
    const ref = await this.get(key, submitRefSchema);
    return ref?.value.track ? { value: ref.value.track, revision: ref.revision } : undefined;
  }

  async forget(org: string, integration: string): Promise<void> {
    for (const k of await listKeys(this.kv, keys.messagesOf(org, integration))) await this.kv.purge(k);
  }

  private async lookup(org: string, integration: string, receiptIds: string[]): Promise<JsonEntry<SubmitRef> | undefined> {
    const tried = new Set<string>();
    for (const rid of receiptIds) {
      for (const k of receiptKeys(rid)) {
        if (tried.has(k)) continue;
        tried.add(k);
        const hit = await this.get(keys.submit(org, integration, k), submitRefSchema);
        if (hit) return hit;
      }
    }
    return undefined;
  }
}
