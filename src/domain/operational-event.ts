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

export interface EventFacts {
  kind: EventKind;
  /** the actor's id in the contract: `<org>.<integration>` for an integration, `<org>.<integration>.<bind id>`
   *  for a bind, the E.164 number for a number, `<sender>:<handset>` for a subscriber (see the helpers below) */
  actorId: string;
  org: string;
  integration: string;
  /** the event name (event-names.ts): the state entered, or a notice such as `warning` */
  name: string;
  /** the previous event name; null for the first one an actor publishes and for notices */
  from: string | null;
  at: Date;
  detail?: Record<string, unknown>;
}

/** The one place an operational event is put together, so every publisher fills the contract alike. */
export function operationalEvent(f: EventFacts): OperationalEvent {
  return {
    type: `${f.kind}.${f.name}`, actor: { kind: f.kind, id: f.actorId }, org: f.org, integration: f.integration,
    from: f.from, to: f.name, at: f.at.toISOString(), detail: f.detail ?? {},
  };
}

export const eventActorId = {
  integration: (org: string, integration: string) => `${org}.${integration}`,
  bind: (org: string, integration: string, bindId: string) => `${org}.${integration}.${bindId}`,
  number: (e164: string) => e164,
  subscriber: (sender: string, handset: string) => `${sender}:${handset}`,
} as const;
