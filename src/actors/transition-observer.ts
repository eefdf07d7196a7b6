// Turns every actor snapshot in an integration's system into operational events, publishing only
// when the operator-facing name changes (see event-names.ts).
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { eventActorId, eventNameFor, operationalEvent, statePath, type EventKind, type EventSink } from '../domain/index.js';
import type { BindContext, IntegrationContext } from '../machines/index.js';

export interface ObserverDeps {
  org: string;
  integration: string;
  sink: EventSink;
  now: () => Date;
}

type MachineSnapshot = { value: unknown; context: unknown; status: string };

export function transitionObserver(deps: ObserverDeps) {
  const last = new Map<string, string>();
  return (e: InspectionEvent) => {
    if (e.type !== '@xstate.snapshot') return;
    const snap = e.snapshot as Partial<MachineSnapshot>;
    if (snap.value === undefined) return; // callback actors (sockets) have no state value
    const ref = e.actorRef as AnyActorRef;
    const kind: EventKind | undefined = ref.id.startsWith('bind-') ? 'bind' : e.rootId === ref.sessionId ? 'integration' : undefined;
    if (!kind) return;
    const name = eventNameFor(kind, snap.value);
    const key = ref.sessionId;
    const from = last.get(key) ?? null;
    if (from === name) return;
    last.set(key, name);
    const actorId = kind === 'bind' ? eventActorId.bind(deps.org, deps.integration, ref.id) : eventActorId.integration(deps.org, deps.integration);
    deps.sink(operationalEvent({
      kind, actorId, org: deps.org, integration: deps.integration, name, from, at: deps.now(),
      detail: kind === 'bind' ? bindDetail(snap.context as BindContext, snap.value) : integrationDetail(snap.context as IntegrationContext, snap.value),
    }));
  };
}

function bindDetail(c: BindContext, value: unknown): Record<string, unknown> {
  const d: Record<string, unknown> = { index: c.index, bindType: c.bindType, state: statePath(value), attempt: c.attempt };
  if (c.lastError) Object.assign(d, { reason: c.lastError.reason, failureKind: c.lastError.kind, commandStatus: c.lastError.commandStatus });
  if (statePath(value).startsWith('backoff')) d.backoffMs = c.backoffMs;
  return d;
}

function integrationDetail(c: IntegrationContext, value: unknown): Record<string, unknown> {
  return {
    state: statePath(value),
    bindType: c.bindType,
    binds: c.binds.map((b, index) => ({ index, status: b.status, ...(b.lastError ? { reason: b.lastError.reason } : {}) })),
  };
}
