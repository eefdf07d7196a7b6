// The MessageTraceSource port: a message's timeline from the tracking KV (segments, SMSC ids,
// receipts) and the statuses BYO_STATUS still holds for it (read from shortly before its submit, or
// over the look-back window when the track is gone or never existed, e.g. a rejected message).
import type { JetStreamClient } from '@nats-io/jetstream';
import { readStoredMessages, STREAMS, subjects } from '../../adapters/nats/index.js';
import { buildMessageTrace, type MessageTraceSource, type StatusPayload } from '../../domain/index.js';
import type { Tracker } from './tracker.js';

export interface MessageTraceDeps {
  tracker: Tracker;
  js: JetStreamClient;
  now: () => Date;
  /** without a track, statuses are searched this far back */
  lookbackMs: number;
  /** statuses scanned per trace at most */
  scanMax: number;
  fetchExpiresMs: number;
}

/** statuses may be stamped a little before the track's submittedAt (clock reads differ) */
const STATUS_SLACK_MS = 60_000;

const isStatus = (v: unknown, id: string): v is StatusPayload =>
  typeof v === 'object' && v !== null && (v as StatusPayload).id === id && typeof (v as StatusPayload).state === 'string' && typeof (v as StatusPayload).at === 'string';

export function natsMessageTraces(d: MessageTraceDeps): MessageTraceSource {
  return {
    async trace(org, integration, messageId) {
      const track = await d.tracker.find(org, integration, messageId);
      const from = track ? Date.parse(track.submittedAt) - STATUS_SLACK_MS : d.now().getTime() - d.lookbackMs;
      const statuses: StatusPayload[] = [];
      await readStoredMessages(d.js, STREAMS.status, subjects.status(org, integration), {
        startTime: new Date(Number.isNaN(from) ? 0 : from).toISOString(), maxMessages: d.scanMax, fetchExpiresMs: d.fetchExpiresMs,
        onMessage: ({ json }) => {
          if (!isStatus(json, messageId)) return true;
          statuses.push(json);
          return json.state === 'submitted'; // a final status is the last one there is
        },
      });
      return buildMessageTrace(org, integration, messageId, track, statuses);
    },
  };
}
