// A message's timeline for support ("was it sent?", "DLR not found"): what the tracking KV and the
// status stream still hold about one outbound message, in time order. The port is implemented over
// NATS by the outbound room and shown by the HTTP API (GET .../messages/:messageId), the console and the CLI.
import type { StatusPayload } from './mt-message.js';
import type { GenericError } from './error-map.js';

export type TraceEntryKind = 'received' | 'submit_sm' | 'submit_sm_resp' | 'receipt' | 'status';

export interface TraceEntry {
  /** ISO 8601; null when the stores kept the fact but not its time */
  at: string | null;
  kind: TraceEntryKind;
  /** 0-based segment index */
  segment?: number;
  smscMessageId?: string;
  commandStatus?: number;
  /** segment state (receipt) or message state (status) */
  status?: string;
  detail?: string;
}

export interface MessageTrace {
  messageId: string;
  org: string;
  integration: string;
  timeline: TraceEntry[];
}

/** What the tracking KV keeps of a submitted message (src/actors/outbound/tracker.ts). */
export interface TrackFacts {
  segments: number;
  smscIds: readonly string[];
  seg: readonly ('submitted' | 'delivered' | 'failed')[];
  final?: 'delivered' | 'failed';
  error?: GenericError;
  submittedAt: string;
  /** when BYO_MT stored the message; absent in tracks written before it was recorded */
  receivedAt?: string;
  failedAtSubmit?: boolean;
}

export interface MessageTraceSource {
  /** undefined when neither the tracking KV nor the status stream knows the message */
  trace(org: string, integration: string, messageId: string): Promise<MessageTrace | undefined>;
}

const describeError = (e: GenericError | undefined): string | undefined =>
  e ? `${e.genericErrorCause}${e.protocolCode ? ` (${e.protocolCode})` : ''}: ${e.description}` : undefined;

const commandStatusOf = (e: GenericError | undefined): number | undefined => {
  const m = /^0x([0-9a-f]{1,8})$/i.exec(e?.protocolCode ?? '');
  return m ? Number.parseInt(m[1]!, 16) : undefined;
};

/**
 * Builds the timeline from the track (may be gone: TTL, or rejected before any submit) and the
 * statuses published for the message (may be gone: stream max age). Undefined when both are empty.
 * A segment with an SMSC message id had a submit_sm_resp with command_status 0; receipts are timed
 * by the final status they decided, when they decided one.
 */
export function buildMessageTrace(org: string, integration: string, messageId: string, track: TrackFacts | undefined,
  statuses: readonly StatusPayload[]): MessageTrace | undefined {
  if (!track && statuses.length === 0) return undefined;
  const timeline: TraceEntry[] = [];
  const submitted = statuses.find((s) => s.state === 'submitted');
  const final = statuses.find((s) => s.state === 'delivered' || s.state === 'failed' || s.state === 'rejected');
  const acks = statuses.filter((s) => s.state === 'acknowledged');
  if (track) {
    if (track.receivedAt) timeline.push({ at: track.receivedAt, kind: 'received' });
    for (let i = 0; i < track.segments; i++) {
      const smscMessageId = track.smscIds[i];
      timeline.push({ at: track.submittedAt, kind: 'submit_sm', segment: i });
      timeline.push({ at: track.submittedAt, kind: 'submit_sm_resp', segment: i, ...(smscMessageId ? { smscMessageId, commandStatus: 0 } : {}) });
    }
    if (track.failedAtSubmit) {
      const status = commandStatusOf(track.error);
      timeline.push({
        at: final?.at ?? track.submittedAt, kind: 'submit_sm_resp', segment: track.segments,
        ...(status === undefined ? {} : { commandStatus: status }), detail: describeError(track.error) ?? 'refused',
      });
    } else {
      track.seg.forEach((state, i) => {
        if (state === 'submitted') return;
        const decided = final && (state === 'failed' || track.seg.every((s) => s === 'delivered'));
        timeline.push({ at: decided ? final.at : null, kind: 'receipt', segment: i, smscMessageId: track.smscIds[i], status: state });
      });
    }
  }
  // a single-segment message keeps its receipt in the segment reference, not in the track: the final
  // status tells what the receipts said (delivered: every segment; failed: at least one)
  if (track && !track.failedAtSubmit && final && final.state !== 'rejected' && !timeline.some((e) => e.kind === 'receipt')) {
    if (final.state === 'delivered' || track.segments === 1) {
      for (let i = 0; i < track.segments; i++) {
        timeline.push({ at: final.at, kind: 'receipt', segment: i, smscMessageId: track.smscIds[i], status: final.state });
      }
    } else timeline.push({ at: final.at, kind: 'receipt', status: final.state, detail: 'a segment\'s receipt said failed' });
  }
  for (const s of [submitted, ...acks, final]) {
    if (!s) continue;
    const detail = describeError(s.error) ?? (s.ack ? `SME ${s.ack} acknowledgement` : undefined);
    timeline.push({ at: s.at, kind: 'status', status: s.state, ...(detail ? { detail } : {}) });
  }
  // in time order; a receipt without a time came after `submitted` (receipts find only recorded submits)
  const untimed = Date.parse(submitted?.at ?? track?.submittedAt ?? '') + 1;
  const timed = timeline.map((e, i) => ({ e, i, t: e.at ? Date.parse(e.at) : untimed }));
  timed.sort((a, b) => a.t - b.t || a.i - b.i);
  return { messageId, org, integration, timeline: timed.map((x) => x.e) };
}
