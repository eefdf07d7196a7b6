// Draws one XState machine (as GET /v1/console/machines serializes it) with dagre: states as boxes,
// compound states as frames around their children, transitions as labelled arrows. States whose
// operator-facing name is `current` are highlighted.
import { h } from 'preact';
import { useMemo } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);
const dagre = globalThis.dagre;

function layout(chart) {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 36, edgesep: 6, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const root = chart.nodes.find((n) => n.parent === null);
  const compound = new Set(chart.nodes.filter((n) => chart.nodes.some((m) => m.parent === n.id)).map((n) => n.id));
  // dagre cannot route edges to a cluster: edges of a compound state attach to its title chip
  const at = (id) => (compound.has(id) ? `${id}#` : id);
  for (const n of chart.nodes) {
    if (n === root) continue;
    if (compound.has(n.id)) {
      g.setNode(n.id, { label: n.key, compound: true, paddingTop: 10 });
      g.setNode(`${n.id}#`, { label: n.key, width: n.key.length * 7 + 16, height: 22, title: true, of: n });
      g.setParent(`${n.id}#`, n.id);
    } else {
      g.setNode(n.id, { label: n.key, width: n.key.length * 7 + 24, height: 28, of: n });
    }
    if (n.parent !== root.id) g.setParent(n.id, n.parent);
  }
  chart.edges.forEach((e, i) => {
    if (e.from === root.id) return; // machine-wide transitions (e.g. stop) are listed under the chart
    g.setEdge(at(e.from), at(e.to), { label: e.event, width: e.event.length * 5.5, height: 12, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const global = chart.edges.filter((e) => e.from === root.id);
  return { g, global };
}

export function Statechart({ chart, current, label }) {
  const { g, global } = useMemo(() => layout(chart), [chart]);
  // leaves named `current` (a name may cover several sub-states), and the compound states around them
  const leaves = chart.nodes.filter((n) => chart.stateNames[n.path] === current || n.path === current).map((n) => n.path);
  const active = (n) => n && leaves.some((p) => p === n.path || p.startsWith(`${n.path}.`));
  const { width, height } = g.graph();
  const nodes = g.nodes().map((id) => ({ id, ...g.node(id) }));
  return html`<figure class="chart" data-testid="statechart" data-kind=${chart.kind} data-current=${current ?? ''}>
    <figcaption>${label} <span class="muted">— now</span> <b>${current ?? '?'}</b></figcaption>
    <svg viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label=${`${label} statechart`}>
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="arrowhead" /></marker></defs>
      ${nodes.filter((n) => n.compound).map((n) => html`<rect class="cluster" x=${n.x - n.width / 2} y=${n.y - n.height / 2} width=${n.width} height=${n.height} rx="8" />`)}
      ${g.edges().map((e) => {
        const ed = g.edge(e);
        const d = ed.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join('');
        return html`<g class="edge"><path d=${d} marker-end="url(#arrow)" /><text x=${ed.x} y=${ed.y} text-anchor="middle">${ed.label}</text></g>`;
      })}
      ${nodes.filter((n) => !n.compound).map((n) => html`<g class=${`node${n.title ? ' title' : ''}${active(n.of) ? ' current' : ''}`} data-path=${n.of?.path ?? ''}>
        <rect x=${n.x - n.width / 2} y=${n.y - n.height / 2} width=${n.width} height=${n.height} rx=${n.title ? 4 : 12} />
        <text x=${n.x} y=${n.y + 4} text-anchor="middle">${n.label}</text></g>`)}
    </svg>
    ${global.length > 0 && html`<div class="muted">from any state: ${global.map((e) => `${e.event} → ${e.to.split('.').pop()}`).join(', ')}</div>`}
  </figure>`;
}
