// The operational event payload of the public contract (ARCHITECTURE.md §3).
import type { EventKind } from './event-names.js';

export interface OperationalEvent {
  type: string;
  actor: { kind: EventKind; id: string };
  org: string;
  integration: string;
  from: string | null;
  to: string;
  at: string;
  detail: Record<string, unknown>;
}

/** Sink for operational events; the NATS implementation publishes to byo.events.<org>.<int>.<kind>.<event>. */
export type EventSink = (event: OperationalEvent) => void;
