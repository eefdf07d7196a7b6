// The statecharts come from the machine definitions: every state an operator can see (the event-name
// maps) is a node, transitions carry their event types, and a new state would show up by itself.
import { describe, expect, it } from 'vitest';
import { allCharts } from '../../src/console/index.js';
import { STATE_EVENT_NAMES } from '../../src/domain/index.js';
import { bindMachine } from '../../src/machines/index.js';

describe('console statecharts', () => {
  const charts = allCharts();

  it('has one chart per actor kind, each node for a state of the machine, each named state present', () => {
    expect(charts.map((c) => c.kind)).toEqual(['integration', 'bind', 'number', 'subscriber']);
    for (const c of charts) {
      const paths = new Set(c.nodes.map((n) => n.path));
      for (const path of Object.keys(STATE_EVENT_NAMES[c.kind])) expect(paths.has(path), `${c.kind} ${path}`).toBe(true);
      const ids = new Set(c.nodes.map((n) => n.id));
      for (const e of c.edges) expect(ids.has(e.from) && ids.has(e.to), `${c.kind} ${e.from} → ${e.to}`).toBe(true);
    }
  });

  it('reads transitions, delayed ones and eventless ones from the machine itself', () => {
    const bind = charts.find((c) => c.kind === 'bind')!;
    expect(bind.edges).toContainEqual({ from: 'bind.backoff.waiting', to: 'bind.backoff.queued', event: 'after backoffDelay' });
    expect(bind.edges.some((e) => e.from === 'bind.online.binding' && e.to === 'bind.online.bound')).toBe(true);
    const number = charts.find((c) => c.kind === 'number')!;
    expect(number.edges.some((e) => e.event === 'always')).toBe(true);
    // same count of state nodes as the machine definition has
    const count = (n: { states: Record<string, unknown> }): number => 1 + Object.values(n.states).reduce<number>((s, c) => s + count(c as never), 0);
    expect(bind.nodes.length).toBe(count(bindMachine.root as never));
  });
});
