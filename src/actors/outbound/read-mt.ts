// Reads one BYO_MT message: JSON, the payload schema, the id it is known by, and whether it must be
// looked up in tracking before it is sent (a possible repeat).
import type { JsMsg } from '@nats-io/jetstream';
import { parseMtPayload, type MtMessage, type MtRejection } from '../../domain/index.js';

export type ReadMt =
  | { ok: true; message: MtMessage & { id: string }; lookup: boolean }
  | { ok: false; id: string; rejection: MtRejection };

export function readMt(m: Pick<JsMsg, 'json' | 'headers' | 'seq' | 'info'>): ReadMt {
  let raw: unknown;
  try {
    raw = m.json();
  } catch {
    raw = undefined;
  }
  const header = m.headers?.get('Nats-Msg-Id');
  const parsed = raw === undefined
    ? { ok: false as const, rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: 'payload is not JSON' } }
    : parseMtPayload(raw);
  // the status of an unreadable message still needs an id: its own, else the JetStream one, else the sequence
  const id = (parsed.ok ? parsed.message.id : (parsed as { id?: string }).id) ?? (header || `mt-${m.seq}`);
  if (!parsed.ok) return { ok: false, id, rejection: parsed.rejection };
  // The caller's id de-duplicates. Published with Nats-Msg-Id = id (the contract), a republish within
  // BYO_MT's duplicate window never reaches us, so only a redelivery, or a message whose JetStream id
  // is not its own id, is looked up in KV: one round trip less per message (docs/performance.md).
  return { ok: true, message: { ...parsed.message, id }, lookup: m.info.redelivered || header !== id };
}
