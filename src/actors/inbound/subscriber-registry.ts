// Subscribers: one (sender number, handset) pair with a compliance history. An actor is started on
// demand when the handset texts a keyword and stopped when idle (standalone in a map, as ARCHITECTURE.md
// asks); its state is persisted to KV `byo_subscribers` with compare-and-set. Outbound asks
// `isOptedOut` per message, answered from memory: a watch on the bucket keeps every instance's view
// current, and the pair that just changed here is updated at once.
import type { KV } from '@nats-io/kv';
import type { Actor } from 'xstate';
import type { Logger } from 'pino';
import { z } from 'zod';
import { subscriberMachine, SUBSCRIBER_STATES, type SubscriberState } from '../../machines/index.js';
import { KEYWORD_KINDS, type KeywordKind, optOutConfirmDue, eventActorId, eventNameFor, operationalEvent, type EventSink } from '../../domain/index.js';
import { casUpdateJson, decodeJson, getJson, keys } from '../../adapters/nats/index.js';
import { startActor } from '../index.js';

export const subscriberRecordSchema = z.object({
  v: z.literal(1),
  org: z.string(),
  integration: z.string(),
  sender: z.string(),
  handset: z.string(),
  state: z.enum(SUBSCRIBER_STATES),
  history: z.array(z.object({ keyword: z.enum(KEYWORD_KINDS), at: z.string(), moId: z.string() })),
  /** when the handset was last asked to text STOP (optOutByIntent: confirm) */
  optOutConfirmAskedAt: z.string().optional(),
  updatedAt: z.string(),
});
export type SubscriberRecord = z.infer<typeof subscriberRecordSchema>;

export interface SubscriberRegistryDeps {
  kv: KV;
  sink: EventSink;
  logger: Logger;
  now: () => Date;
  /** an actor with no keyword for this long is stopped (its state stays in KV) */
  idleMs: number;
  /** keywords kept per pair: enough to show an operator (or a regulator) the recent story */
  historyLimit: number;
  /** at most one "reply STOP to unsubscribe" question per pair per this long */
  optOutConfirmIntervalMs: number;
}

interface Live { actor: Actor<typeof subscriberMachine>; idle?: NodeJS.Timeout }

export class SubscriberRegistry {
  private readonly optedOut = new Set<string>();
  private readonly live = new Map<string, Live>();
  private readonly abort = new AbortController();

  constructor(private readonly d: SubscriberRegistryDeps) {}

  /** Loads every opted-out pair and follows changes made by any instance. */
  async start(): Promise<void> {
    const watch = await this.d.kv.watch({ key: keys.all });
    this.abort.signal.addEventListener('abort', () => watch.stop());
    void (async () => {
      for await (const e of watch) {
        const record = e.operation === 'PUT' ? decodeJson(e, subscriberRecordSchema, this.d.logger) : undefined;
        if (record?.state === 'optedOut') this.optedOut.add(e.key);
        else this.optedOut.delete(e.key);
      }
    })().catch((err: unknown) => this.d.logger.warn({ err }, 'subscriber watch ended'));
  }

  stop(): void {
    this.abort.abort();
    for (const l of this.live.values()) {
      clearTimeout(l.idle);
      l.actor.stop();
    }
    this.live.clear();
  }

  /** The stored state and keyword history of a pair, undefined when the handset never texted a keyword. */
  async get(sender: string, handset: string): Promise<SubscriberRecord | undefined> {
    return (await getJson(this.d.kv, keys.subscriber(sender, handset), subscriberRecordSchema, this.d.logger))?.value;
  }

  /** whether the pair's actor is running here (false once it went idle: its state is in KV only) */
  isLive(sender: string, handset: string): boolean {
    return this.live.has(keys.subscriber(sender, handset));
  }

  isOptedOut(sender: string, handset: string): boolean {
    return this.optedOut.has(keys.subscriber(sender, handset));
  }

  /** The handset texted a compliance keyword to the sender number: returns the pair's state after it. */
  async apply(org: string, integration: string, sender: string, handset: string, keyword: KeywordKind, moId: string): Promise<SubscriberState> {
    const key = keys.subscriber(sender, handset);
    const stored = await getJson(this.d.kv, key, subscriberRecordSchema, this.d.logger);
    const live = this.actorFor(key, stored?.value.state ?? 'subscribed');
    live.actor.send({ type: `keyword.${keyword}` });
    const state = live.actor.getSnapshot().value as SubscriberState;
    const now = this.d.now();
    const at = now.toISOString();
    await casUpdateJson(this.d.kv, key, subscriberRecordSchema, (cur) => ({
      v: 1 as const, org, integration, sender, handset, state, updatedAt: at,
      ...(cur?.value.optOutConfirmAskedAt ? { optOutConfirmAskedAt: cur.value.optOutConfirmAskedAt } : {}),
      history: [...(cur?.value.history ?? []), { keyword, at, moId }].slice(-this.d.historyLimit),
    }), { logger: this.d.logger });
    if (state === 'optedOut') this.optedOut.add(key);
    else this.optedOut.delete(key);
    const before = stored?.value.state;
    if (before !== state) {
      const name = eventNameFor('subscriber', state);
      this.d.sink(operationalEvent({
        kind: 'subscriber', actorId: eventActorId.subscriber(sender, handset), org, integration, name,
        from: before === undefined ? null : eventNameFor('subscriber', before), at: now, detail: { sender, handset, keyword, moId },
      }));
    }
    return state;
  }

  /**
   * The handset mentioned an opt-out keyword (optOutByIntent: confirm): true when it is to be asked to
   * text STOP now, recorded in KV so every instance and a restart honour the once-per-interval rule.
   * An opted-out handset is never asked (nothing is sent to it anyway).
   */
  async claimOptOutConfirm(org: string, integration: string, sender: string, handset: string): Promise<boolean> {
    const key = keys.subscriber(sender, handset);
    const now = this.d.now();
    const due = (r: SubscriberRecord | undefined) =>
      r?.state !== 'optedOut' && optOutConfirmDue(r?.optOutConfirmAskedAt, now, this.d.optOutConfirmIntervalMs);
    if (!due((await this.get(sender, handset)))) return false;
    let claimed = false;
    await casUpdateJson(this.d.kv, key, subscriberRecordSchema, (cur) => {
      claimed = due(cur?.value);
      if (!claimed && cur) return cur.value;
      const at = now.toISOString();
      return cur
        ? { ...cur.value, optOutConfirmAskedAt: at, updatedAt: at }
        : { v: 1 as const, org, integration, sender, handset, state: 'subscribed' as const, history: [], optOutConfirmAskedAt: at, updatedAt: at };
    }, { logger: this.d.logger });
    return claimed;
  }

  private actorFor(key: string, restored: SubscriberState): Live {
    let live = this.live.get(key);
    // KV is the truth: another instance may have moved the pair since this actor last ran here
    if (live && live.actor.getSnapshot().value !== restored) {
      clearTimeout(live.idle);
      live.actor.stop();
      this.live.delete(key);
      live = undefined;
    }
    if (!live) {
      const actor = startActor(subscriberMachine, { logger: this.d.logger.child({ subscriber: key }), input: { state: restored } });
      live = { actor };
      this.live.set(key, live);
    }
    clearTimeout(live.idle);
    const l = live;
    l.idle = setTimeout(() => {
      l.actor.stop();
      this.live.delete(key);
    }, this.d.idleMs);
    l.idle.unref();
    return l;
  }
}
