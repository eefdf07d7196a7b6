// Outbound message payload on byo.mt.<org>.<integration> and the status payload on byo.status.*.
import { z } from 'zod';
import type { GenericError } from './error-map.js';

/** MMS is not supported (reference): any media field is refused with a clear error, not ignored. */
const MEDIA_FIELDS = ['media', 'mediaUrl', 'mediaUrls', 'mms', 'attachments'] as const;

export const mtMessageSchema = z.object({
  id: z.string().min(1).max(128).optional(),
  from: z.string({ error: 'from is required (an E.164 number imported into this integration)' }),
  to: z.string({ error: 'to is required (an E.164 number)' }),
  text: z.string({ error: 'text is required' }),
}).catchall(z.unknown());
export type MtMessage = { id?: string | undefined; from: string; to: string; text: string };

export type MtRejection = { genericErrorCause: string; description: string };

/** Shape checks only; sender ownership and encoding are checked by the pipeline. */
export function parseMtPayload(raw: unknown): { ok: true; message: MtMessage } | { ok: false; rejection: MtRejection; id?: string } {
  const parsed = mtMessageSchema.safeParse(raw);
  const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    return { ok: false, rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: message }, ...(id ? { id } : {}) };
  }
  const m = parsed.data;
  const media = MEDIA_FIELDS.find((f) => f in m);
  if (media) {
    return { ok: false, id: m.id, rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: `MMS is not supported: remove "${media}" and send text only` } };
  }
  const unknown = Object.keys(m).filter((k) => !['id', 'from', 'to', 'text'].includes(k));
  if (unknown.length) {
    return { ok: false, id: m.id, rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: `unknown field(s): ${unknown.join(', ')}` } };
  }
  if (m.text.length === 0) return { ok: false, id: m.id, rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: 'text must not be empty' } };
  return { ok: true, message: { id: m.id, from: m.from, to: m.to, text: m.text } };
}

/** `acknowledged`: an SME acknowledgement arrived (not final; `ack` says which kind) */
export type StatusState = 'submitted' | 'acknowledged' | 'delivered' | 'failed' | 'rejected';

export interface StatusPayload {
  id: string;
  state: StatusState;
  segments: number;
  smscMessageIds: string[];
  error?: GenericError & { protocolCode?: string };
  /** on `acknowledged`: an SME delivery acknowledgement (esm_class 0x08) or a manual/user one (0x10) */
  ack?: 'delivery' | 'manual';
  at: string;
}
