// Inbound (MO) messages: concatenated parts are stored in KV as they arrive (so the SMSC can be
// answered at once and a restart loses none) and joined when the last one is in; a whole message is
// checked for the receiving number's compliance keywords, the subscriber's state is updated, the
// message is published on byo.mo with its keyword, and the number's auto-response is queued on
// byo.mt like any outbound message (rate-limited, tracked, with statuses).
import { createHash, randomUUID } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { z } from 'zod';
import { keys, subjects, getJson, encodeJson, listKeys, type JsPublisher } from '../../adapters/nats/index.js';
import {
  classifyInbound, optOutConfirmMessage, type InboundClassification, type KeywordKind, type OptOutByIntent, type ReadonlyKeywordSet, AUTO_RESPONSE_HEADER,
} from '../../domain/index.js';
import type { SubscriberRegistry } from './subscriber-registry.js';
import type { OutboundMetrics } from '../outbound/index.js';

export interface MoPart {
  org: string;
  integration: string;
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  receivedAt: string;
  /** set for one part of a concatenated message */
  concat?: { reference: number; total: number; sequence: number; referenceBits: 8 | 16 };
}

const storedPartSchema = z.object({
  org: z.string(), integration: z.string(), from: z.string(), to: z.string(), text: z.string(), dataCoding: z.int(), receivedAt: z.string(),
  concat: z.object({ reference: z.int(), total: z.int(), sequence: z.int(), referenceBits: z.union([z.literal(8), z.literal(16)]) }),
});

export interface MoDeps {
  kv: KV;
  publisher: JsPublisher;
  subscribers: SubscriberRegistry;
  /** the compliance keywords of a number of this integration, undefined when it is not one */
  keywordsFor: (org: string, integration: string, e164: string) => ReadonlyKeywordSet | undefined;
  /** the number's optOutByIntent setting (absent: off) */
  optOutByIntentFor?: (org: string, integration: string, e164: string) => OptOutByIntent;
  logger: Logger;
  /** how long the parts of a concatenated message wait for the rest before what arrived is published */
  reassemblyTimeoutMs: number;
  /** pause before a failed publish of a completed message is tried again */
  retryDelayMs: number;
  metrics?: Pick<OutboundMetrics, 'mo'>;
}

interface Group { key: string; parts: Map<number, MoPart>; total: number; timer?: NodeJS.Timeout; done: boolean }

export class MoAssembler {
  private readonly groups = new Map<string, Group>();
  /** published groups, for one reassembly timeout: a part the SMSC re-sends (our deliver_sm_resp was
   *  lost) must not start a new, forever partial message. Keyed by group, then part number → text. */
  private readonly recent = new Map<string, { parts: Map<number, string>; until: number }>();

  constructor(private readonly d: MoDeps) {}

  /** Handles one deliver_sm; resolves once it is durable (the SMSC may then be answered). */
  async receive(part: MoPart): Promise<void> {
    if (!part.concat || part.concat.total <= 1) {
      await this.deliver([part], 1, randomUUID());
      return;
    }
    const group = groupKey(part);
    if (this.isRepeat(group, part)) return;
    await this.d.kv.put(keys.moPart(part.org, part.integration, group, part.concat.sequence), encodeJson(part));
    this.add(group, part);
  }

  /** After a restart: picks up the parts an earlier run stored and did not publish yet. */
  async restore(org: string, integration: string): Promise<void> {
    for (const k of await listKeys(this.d.kv, keys.moPartsOf(org, integration))) {
      const stored = await getJson(this.d.kv, k, storedPartSchema, this.d.logger);
      if (stored) this.add(groupKey(stored.value), stored.value);
    }
  }

  /** concatenated messages waiting for parts */
  get pendingGroups(): number {
    return this.groups.size;
  }

  /**
   * This instance no longer runs the integration (hand-over, shutdown): forget its waiting groups
   * without touching KV, so only the new owner (which restores them) publishes them.
   */
  release(org: string, integration: string): void {
    for (const [key, g] of this.groups) {
      const head = g.parts.values().next().value;
      if (head?.org === org && head.integration === integration) {
        clearTimeout(g.timer);
        this.groups.delete(key);
      }
    }
  }

  stop(): void {
    for (const g of this.groups.values()) clearTimeout(g.timer);
    this.groups.clear();
    this.recent.clear();
  }

  private isRepeat(group: string, part: MoPart): boolean {
    const now = Date.now();
    for (const [k, r] of this.recent) if (r.until <= now) this.recent.delete(k);
    const repeat = this.recent.get(group)?.parts.get(part.concat!.sequence) === part.text;
    if (repeat) this.d.logger.debug({ group, sequence: part.concat!.sequence }, 'part of an already published message received again: ignored');
    return repeat;
  }

  private add(key: string, part: MoPart): void {
    const c = part.concat!;
    let group = this.groups.get(key);
    if (!group) {
      group = { key, parts: new Map(), total: c.total, done: false };
      this.groups.set(key, group);
      const g = group;
      const waited = Date.now() - Date.parse(part.receivedAt);
      g.timer = setTimeout(() => void this.flush(g), Math.max(0, this.d.reassemblyTimeoutMs - waited));
      g.timer.unref();
    }
    group.parts.set(c.sequence, part);
    if (group.parts.size === group.total) void this.flush(group);
  }

  /** Publishes the group (whole, or what arrived when the wait is over) and forgets its parts. */
  private async flush(group: Group): Promise<void> {
    if (group.done) return;
    group.done = true;
    clearTimeout(group.timer);
    const parts = [...group.parts.values()].sort((a, b) => a.concat!.sequence - b.concat!.sequence);
    const first = parts.reduce((a, b) => (a.receivedAt <= b.receivedAt ? a : b));
    try {
      await this.deliver(parts, group.total, messageId(first, group.key, first.receivedAt));
      this.recent.set(group.key, { parts: new Map(parts.map((p) => [p.concat!.sequence, p.text])), until: Date.now() + this.d.reassemblyTimeoutMs });
      for (const p of parts) await this.d.kv.purge(keys.moPart(p.org, p.integration, group.key, p.concat!.sequence));
      this.groups.delete(group.key);
    } catch (err) {
      this.d.logger.warn({ err, group: group.key }, 'inbound message not published yet; retrying');
      group.done = false;
      group.timer = setTimeout(() => void this.flush(group), this.d.retryDelayMs);
      group.timer.unref();
    }
  }

  private async deliver(parts: MoPart[], total: number, id: string): Promise<void> {
    const head = parts[0]!;
    const { org, integration, from, to } = head;
    const text = parts.map((p) => p.text).join('');
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => total > 1 && !parts.some((p) => p.concat?.sequence === n));
    const keywords = this.d.keywordsFor(org, integration, to);
    const byIntent = this.d.optOutByIntentFor?.(org, integration, to) ?? 'off';
    // a keyword counts only in a whole message
    const found: InboundClassification = keywords && missing.length === 0 ? classifyInbound(text, keywords, byIntent) : {};
    const keyword = found.keyword;
    if (missing.length) this.d.logger.warn({ org, integration, id, missing, total }, 'inbound message published without all its parts');
    // the opt-out is on record before anything else happens: a retry repeats it harmlessly
    if (keyword) await this.d.subscribers.apply(org, integration, to, from, keyword, id);
    const confirm = found.confirmOptOut === true && await this.d.subscribers.claimOptOutConfirm(org, integration, to, from);
    const intent = found.confirmOptOut ? { optOutIntent: 'confirm' as const, optOutConfirmSent: confirm } : found.byIntent ? { optOutIntent: 'optOut' as const } : {};
    const mo = {
      id, from, to, text, segments: parts.length, dataCoding: head.dataCoding, receivedAt: head.receivedAt,
      ...(keyword ? { keyword } : {}), ...intent, ...(missing.length ? { partsMissing: missing, segmentsExpected: total } : {}),
    };
    await this.d.publisher.publish(subjects.mo(org, integration), JSON.stringify(mo), { msgId: id });
    this.d.metrics?.mo(org, integration, keyword);
    if (keyword && keywords) await this.autoRespond(org, integration, to, from, keyword, keywords[keyword].message, id);
    if (confirm && keywords) await this.autoRespond(org, integration, to, from, 'optOutConfirm', optOutConfirmMessage(keywords), id);
  }

  private async autoRespond(org: string, integration: string, sender: string, handset: string,
    kind: KeywordKind | 'optOutConfirm', text: string, moId: string): Promise<void> {
    const id = `auto-${moId}`;
    await this.d.publisher.publish(subjects.mt(org, integration), JSON.stringify({ id, from: sender, to: handset, text }),
      { msgId: id, headers: { [AUTO_RESPONSE_HEADER]: kind } });
  }
}

function groupKey(p: Pick<MoPart, 'from' | 'to' | 'concat'>): string {
  const c = p.concat!;
  return `${p.from}_${p.to}_${c.referenceBits}_${c.reference}_${c.total}`;
}

/** Stable for a concatenated message (the same parts give the same id after a restart). */
function messageId(p: Pick<MoPart, 'org' | 'integration'>, group: string, salt: string): string {
  const h = createHash('sha256').update(`${p.org}\n${p.integration}\n${group}\n${salt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
