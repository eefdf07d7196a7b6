// Keeps the operational event catalogue, the names in code and the machines in step: an event an
// operator cannot look up is noise, and a state without a name would publish a made-up one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { NOTICE_EVENT_NAMES, STATE_EVENT_NAMES, allEventTypes, eventNameFor, type EventKind } from '../../src/domain/event-names.js';
import { integrationMachine } from '../../src/machines/integration-machine.js';
import { bindMachine } from '../../src/machines/bind-machine.js';
import { numberMachine } from '../../src/machines/number-machine.js';
import { subscriberMachine } from '../../src/machines/subscriber-machine.js';

const docs = readFileSync(fileURLToPath(new URL('../../docs/events.md', import.meta.url)), 'utf8');
const kinds = Object.keys(STATE_EVENT_NAMES) as EventKind[];

const machines: Record<EventKind, AnyStateMachine> = {
  integration: integrationMachine,
  bind: bindMachine,
  number: numberMachine,
  subscriber: subscriberMachine,
};

interface StateNodeLike { path: string[]; states: Record<string, StateNodeLike> }

function leafPaths(node: StateNodeLike): string[] {
  const children = Object.values(node.states);
  if (children.length === 0) return [node.path.join('.')];
  return children.flatMap(leafPaths);
}

const tableLines = docs.split('\n').filter((l) => l.trimStart().startsWith('|'));
const backticked = (line: string) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const eventLike = /^([a-z]+)\.([a-z_]+)$/;

describe('docs/events.md lists exactly the event types the engine publishes', () => {
  it('documents every type of allEventTypes() in backticks', () => {
    const missing = allEventTypes().filter((t) => !docs.includes(`\`${t}\``));
    expect(missing).toEqual([]);
  });

  it('has one table row per event type', () => {
    const rowTypes = tableLines.map((l) => backticked(l.split('|')[1] ?? '')).flat().filter((t) => eventLike.test(t));
    expect([...rowTypes].sort()).toEqual(allEventTypes());
  });

  it('mentions no event type in its tables that the code does not know', () => {
    const known = new Set(allEventTypes());
    const unknown = tableLines.flatMap(backticked)
      .filter((t) => { const m = eventLike.exec(t); return !!m && (kinds as string[]).includes(m[1]!); })
      .filter((t) => !known.has(t));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('names every kind and the subject layout', () => {
    expect(docs).toContain('byo.events.<org>.<integration>.<kind>.<event>');
    expect(docs).toContain('BYO_EVENTS');
    for (const kind of kinds) expect(docs).toContain(`## ${kind[0]!.toUpperCase()}${kind.slice(1)} events`);
  });
});

describe('every machine state has an operational event name', () => {
  for (const kind of kinds) {
    it(`${kind}: each leaf state path is in STATE_EVENT_NAMES.${kind}`, () => {
      const leaves = leafPaths(machines[kind].root as unknown as StateNodeLike);
      expect(leaves.length).toBeGreaterThan(1);
      const unnamed = leaves.filter((p) => !(p in STATE_EVENT_NAMES[kind]));
      expect(unnamed).toEqual([]);
    });

    it(`${kind}: STATE_EVENT_NAMES.${kind} names no state the machine lacks`, () => {
      const leaves = new Set(leafPaths(machines[kind].root as unknown as StateNodeLike));
      expect(Object.keys(STATE_EVENT_NAMES[kind]).filter((p) => !leaves.has(p))).toEqual([]);
    });
  }

  it('number events use the raw state value (number-fleet.ts publishes `number.${state}`)', () => {
    for (const [path, name] of Object.entries(STATE_EVENT_NAMES.number)) expect(name).toBe(path);
  });

  it('eventNameFor resolves nested state values through the table', () => {
    expect(eventNameFor('integration', { running: { active: 'degraded' } })).toBe('degraded');
    expect(eventNameFor('bind', { online: 'bound' })).toBe('bound');
    expect(eventNameFor('bind', { backoff: 'queued' })).toBe('backoff');
    expect(eventNameFor('bind', 'stopped')).toBe('closed');
  });

  it('notice events belong to a known kind and do not collide with state events', () => {
    const stateTypes = new Set(kinds.flatMap((k) => Object.values(STATE_EVENT_NAMES[k]).map((n) => `${k}.${n}`)));
    for (const [type, { kind }] of Object.entries(NOTICE_EVENT_NAMES)) {
      expect(type.startsWith(`${kind}.`)).toBe(true);
      expect(stateTypes.has(type)).toBe(false);
    }
  });
});
