// The statecharts the console draws, taken from the XState machine definitions themselves: every
// state node (with its parent) and every transition with a target, read from machine.root. The
// browser lays them out with dagre; nothing here is a hand-drawn copy that could drift.
import type { AnyStateMachine } from 'xstate';
import { STATE_EVENT_NAMES, type EventKind } from '../domain/index.js';
import { bindMachine, integrationMachine, numberMachine, subscriberMachine } from '../machines/index.js';

export interface ChartNode {
  /** xstate id: `<machine>.<path>` */
  id: string;
  /** dot-joined state path ('' for the root), as operational events report it in detail.state */
  path: string;
  key: string;
  type: string;
  parent: string | null;
  initial: string | null;
}

export interface ChartEdge {
  from: string;
  to: string;
  /** the event type, `after <delay>` for a delayed transition, `always` for an eventless one */
  event: string;
  guard?: string;
}

export interface Chart {
  kind: EventKind;
  machineId: string;
  nodes: ChartNode[];
  edges: ChartEdge[];
  /** state path → the event name operators see (GET /v1/state shows these) */
  stateNames: Record<string, string>;
}

interface NodeLike {
  id: string;
  key: string;
  type: string;
  path: string[];
  states: Record<string, NodeLike>;
  initial?: { target?: NodeLike[] };
  transitions: Map<string, { eventType: string; target?: NodeLike[]; guard?: { type?: string } }[]>;
  always?: { target?: NodeLike[]; guard?: { type?: string } }[];
}

const eventLabel = (eventType: string, nodeId: string): string => {
  if (!eventType.startsWith('xstate.after.')) return eventType;
  const rest = eventType.slice('xstate.after.'.length);
  return `after ${rest.endsWith(`.${nodeId}`) ? rest.slice(0, -nodeId.length - 1) : rest}`;
};

export function chartOf(kind: EventKind, machine: AnyStateMachine): Chart {
  const nodes: ChartNode[] = [];
  const edges: ChartEdge[] = [];
  const visit = (n: NodeLike, parent: string | null) => {
    nodes.push({ id: n.id, path: n.path.join('.'), key: n.key, type: n.type, parent, initial: n.initial?.target?.[0]?.id ?? null });
    for (const defs of n.transitions.values()) {
      for (const d of defs) {
        for (const t of d.target ?? []) {
          edges.push({ from: n.id, to: t.id, event: eventLabel(d.eventType, n.id), ...(d.guard?.type ? { guard: d.guard.type } : {}) });
        }
      }
    }
    for (const d of n.always ?? []) for (const t of d.target ?? []) edges.push({ from: n.id, to: t.id, event: 'always', ...(d.guard?.type ? { guard: d.guard.type } : {}) });
    for (const child of Object.values(n.states)) visit(child, n.id);
  };
  visit(machine.root as unknown as NodeLike, null);
  return { kind, machineId: machine.id, nodes, edges, stateNames: { ...STATE_EVENT_NAMES[kind] } };
}

export function allCharts(): Chart[] {
  return [
    chartOf('integration', integrationMachine as unknown as AnyStateMachine),
    chartOf('bind', bindMachine as unknown as AnyStateMachine),
    chartOf('number', numberMachine as unknown as AnyStateMachine),
    chartOf('subscriber', subscriberMachine as unknown as AnyStateMachine),
  ];
}
