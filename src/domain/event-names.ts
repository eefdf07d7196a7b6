// Operational event names: one per state an operator cares about. Sub-states that only tick (staggering
// and queued for the bind budget) share a name, so they publish nothing new.
// docs/events.md lists every name here; test/actors/event-names.test.ts keeps the two in step.

export type EventKind = 'integration' | 'bind' | 'number' | 'subscriber';

/** state path (dot-joined) → event name, per actor kind */
export const STATE_EVENT_NAMES: Record<EventKind, Record<string, string>> = {
  integration: {
    inactive: 'inactive',
    'running.activating': 'activating',
    'running.active.healthy': 'active',
    'running.active.degraded': 'degraded',
    'running.failed': 'failed',
    'running.deactivating': 'deactivating',
    settling: 'deactivating',
    deleted: 'deleted',
  },
  bind: {
    // staggering, or queued for the instance's bind-attempt budget (BYO_BIND_ATTEMPTS_PER_SECOND)
    'idle.staggering': 'idle',
    'idle.queued': 'idle',
    'online.connecting': 'connecting',
    'online.binding': 'binding',
    'online.bound': 'bound',
    'online.unbinding': 'unbinding',
    // waiting out the backoff, then queued for the bind-attempt budget
    'backoff.waiting': 'backoff',
    'backoff.queued': 'backoff',
    stopped: 'closed',
  },
  number: {
    provisioning: 'provisioning',
    active: 'active',
    disabled: 'disabled',
    released: 'released',
  },
  subscriber: {
    // transient: decided from the stored state before anything is published
    restoring: 'subscribed',
    subscribed: 'subscribed',
    optedOut: 'opted_out',
  },
};

/** Events that are not state transitions but announcements. */
export const NOTICE_EVENT_NAMES: Record<string, { kind: EventKind; meaning: string }> = {
  'integration.warning': { kind: 'integration', meaning: 'configuration that works but loses something, e.g. transmitter-only' },
};

export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    return k === undefined ? '' : [k, statePath(v)].filter(Boolean).join('.');
  }
  return '';
}

export function eventNameFor(kind: EventKind, value: unknown): string {
  const path = statePath(value);
  return STATE_EVENT_NAMES[kind][path] ?? path.replace(/\./g, '_');
}

export function allEventTypes(): string[] {
  const types = new Set<string>();
  for (const [kind, map] of Object.entries(STATE_EVENT_NAMES)) for (const n of Object.values(map)) types.add(`${kind}.${n}`);
  for (const t of Object.keys(NOTICE_EVENT_NAMES)) types.add(t);
  return [...types].sort();
}
