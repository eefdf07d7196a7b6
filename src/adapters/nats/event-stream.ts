// The EventStream port over NATS: replay from BYO_EVENTS (ordered consumer), then live events from a
// core subscription on the same subjects (what the event sink publishes to the stream).
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { EventStream, EventStreamFilter } from '../../domain/index.js';
import { readStoredMessages } from './stream-reader.js';
import { STREAMS, subjects } from './subjects.js';

export interface NatsEventStreamOptions {
  /** how long one fetch of the replay waits for the server */
  fetchExpiresMs: number;
  /** at most this many stored events are scanned for one replay */
  replayScanMax: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function natsEventStream(nc: NatsConnection, js: JetStreamClient, opts: NatsEventStreamOptions): EventStream {
  return {
    async subscribe(filter: EventStreamFilter, { replay = 0, replayMs = 3_600_000 }, onEvent, onEnd) {
      const subject = subjects.eventsMatching(filter.org, filter.integration, filter.kind);
      // subscribe first, so nothing published during the replay is lost; events seen in the
      // replay are not sent twice (core messages carry no stream sequence: compared by content)
      const buffered: Record<string, unknown>[] = [];
      let live = false;
      let closed = false;
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          let json: unknown;
          try {
            json = msg.json();
          } catch {
            return;
          }
          if (!isObject(json)) return;
          if (live) onEvent(json);
          else buffered.push(json);
        },
      });
      void sub.closed.then(() => {
        if (!closed) onEnd?.();
      });
      const seen = new Set<string>();
      if (replay > 0) {
        const ring: Record<string, unknown>[] = [];
        await readStoredMessages(js, STREAMS.events, subject, {
          startTime: new Date(Date.now() - replayMs).toISOString(), maxMessages: opts.replayScanMax, fetchExpiresMs: opts.fetchExpiresMs,
          onMessage: ({ json }) => {
            if (!isObject(json)) return;
            ring.push(json);
            if (ring.length > replay) ring.shift();
          },
        });
        for (const e of ring) {
          seen.add(JSON.stringify(e));
          onEvent(e);
        }
      }
      live = true;
      for (const e of buffered.splice(0)) if (!seen.has(JSON.stringify(e))) onEvent(e);
      return {
        close: () => {
          closed = true;
          sub.unsubscribe();
        },
      };
    },
  };
}
