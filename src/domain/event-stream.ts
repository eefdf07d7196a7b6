// The operational event stream as a port: the HTTP API serves it as server-sent events
// (GET /v1/events/stream) and the console draws from it; the NATS adapter feeds it from BYO_EVENTS.
import type { EventKind } from './event-names.js';

export interface EventStreamFilter {
  org?: string;
  integration?: string;
  kind?: EventKind;
}

export interface EventSubscription {
  close(): void;
}

export interface EventStream {
  /**
   * Live events matching `filter` from now on, each as the JSON object stored in BYO_EVENTS. With
   * `replay` > 0, first up to that many of the newest stored events (oldest first, within `replayMs`).
   * `onEnd` runs once when the source goes away (NATS closed), never after close().
   */
  subscribe(filter: EventStreamFilter, opts: { replay?: number; replayMs?: number },
    onEvent: (event: Record<string, unknown>) => void, onEnd?: (err?: Error) => void): Promise<EventSubscription>;
}

export const EVENT_KINDS: readonly EventKind[] = ['integration', 'bind', 'number', 'subscriber'];
