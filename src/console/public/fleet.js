// Fleet view: the engine instances (live or not answering, snapshot age), then every integration with
// its binds, traffic and failures; refreshed on every event of the live event stream (and every few
// seconds for the rates and for instances that stop answering, which send no event).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { api, events, ago } from './api.js';

const html = htm.bind(h);
const RATE_REFRESH_MS = 5000;

export function useLiveRefresh(load, params) {
  const timer = useRef(null);
  useEffect(() => {
    load();
    const es = events(params, () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(load, 150);
    });
    const poll = setInterval(load, RATE_REFRESH_MS);
    return () => { es.close(); clearInterval(poll); clearTimeout(timer.current); };
  }, []);
}

export const Badge = ({ state }) => html`<span class="badge s-${state}" data-state=${state}>${state}</span>`;

export function Binds({ binds, windowSize }) {
  return html`<div class="binds">${[0, 1, 2].map((i) => {
    const b = binds.find((x) => x.index === i);
    const state = b?.state ?? 'idle';
    return html`<div class="bind" data-testid="bind" data-index=${i} data-state=${state} title=${b?.lastError ?? ''}>
      <span class="badge s-${state}">#${i} ${state}</span>
      <span class="window">${b?.outstanding ?? 0}/${windowSize}</span>
      ${b?.lastError && html`<span class="reason">${b.lastError}</span>`}
    </div>`;
  })}</div>`;
}

/** snapshot age as people read it: ms under a second, else seconds */
const snapshotAge = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** the engine instances the page is built from: live, or not answering (its snapshot too old to count) */
export function Instances({ instances, serving }) {
  return html`<div class="instances" data-testid="instances"><b>Engines:</b>
    ${instances.map((i) => html`<span class="instance" data-testid="instance" data-id=${i.id} data-live=${String(i.live)}
        title=${i.live ? 'its state snapshot is fresh' : 'its state snapshot is too old: stopped, cut off or overloaded'}>
      <span class="badge ${i.live ? 's-active' : 's-failed'}">${i.live ? 'live' : 'not answering'}</span>
      ${' '}${i.id}${i.id === serving ? html` <span class="muted">(this page)</span>` : ''}
      <span class="muted"> snapshot ${snapshotAge(i.snapshotAgeMs)} old</span>
    </span>`)}</div>`;
}

const causes = (failures) => Object.entries(failures ?? {}).map(([k, n]) => `${k} ×${n}`).join(', ') || '—';

export function Fleet() {
  const [rows, setRows] = useState(null);
  const [fleet, setFleet] = useState({ instances: [], instance: '' });
  const [error, setError] = useState('');
  useLiveRefresh(() => api('GET', '/v1/console/fleet').then((f) => {
    setRows(f.integrations); setFleet({ instances: f.instances ?? [], instance: f.instance }); setError('');
  }, (e) => setError(e.message)), {});
  if (!rows) return html`<p class="loading">${error || 'Loading…'}</p>`;
  const total = {};
  for (const r of rows) for (const [k, n] of Object.entries(r.activity?.failuresLastHour ?? {})) total[k] = (total[k] ?? 0) + n;
  const downBinds = rows.flatMap((r) => r.binds.filter((b) => b.lastError && b.state !== 'bound').map((b) => b.lastError));
  return html`<section>
    <h2>Fleet <small>${rows.length} integration${rows.length === 1 ? '' : 's'}</small></h2>
    ${error && html`<p class="error">${error}</p>`}
    <${Instances} instances=${fleet.instances} serving=${fleet.instance} />
    <div class="summary"><b>Failure causes, last hour:</b> ${causes(total)}
      ${downBinds.length > 0 && html` · <b>binds down:</b> ${[...new Set(downBinds)].join('; ')}`}</div>
    <table class="fleet"><thead><tr>
      <th>org</th><th>integration</th><th>state</th><th>owner</th><th>binds (state, window, last failure)</th>
      <th>queue</th><th>msg/s</th><th>last submit</th><th>last receipt</th><th>numbers</th><th>failures (1 h)</th>
    </tr></thead><tbody>
    ${rows.map((r) => html`<tr data-testid="integration-row" data-org=${r.org} data-id=${r.id}>
      <td>${r.org}</td><td><a href=${`#/i/${r.org}/${r.id}`}>${r.name}</a><div class="muted">${r.id}</div></td>
      <td><${Badge} state=${r.state} /></td><td>${r.instance ?? '—'}</td>
      <td><${Binds} binds=${r.binds} windowSize=${r.windowSize} /></td>
      <td>${r.queueDepth}</td><td>${r.activity ? r.activity.messagesPerSecond : '—'}</td>
      <td>${ago(r.activity?.lastSubmitAt)}</td><td>${ago(r.activity?.lastReceiptAt)}</td>
      <td>${r.numbers.map((n) => html`<div>${n.e164} <span class="muted">${n.state}</span></div>`)}</td>
      <td>${causes(r.activity?.failuresLastHour)}</td>
    </tr>`)}
    </tbody></table></section>`;
}
