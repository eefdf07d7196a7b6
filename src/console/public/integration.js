// One integration: statecharts of its actors with the current states live, the last 100 events with
// filters, activate/deactivate, numbers and their keywords, subscriber and message lookups.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api, events, ago } from './api.js';
import { Badge, Binds } from './fleet.js';
import { Statechart } from './statechart.js';
import { SubscriberLookup, MessageLookup } from './lookups.js';

const html = htm.bind(h);
const EVENTS_KEPT = 100;

function EventList({ list }) {
  const [kind, setKind] = useState('');
  const [text, setText] = useState('');
  const shown = list.filter((e) => (!kind || e.actor?.kind === kind) && (!text || JSON.stringify(e).toLowerCase().includes(text.toLowerCase())));
  return html`<section><h3>Last ${EVENTS_KEPT} events</h3>
    <div class="filters"><select value=${kind} onChange=${(e) => setKind(e.target.value)} aria-label="kind">
      <option value="">all kinds</option>${['integration', 'bind', 'number', 'subscriber'].map((k) => html`<option value=${k}>${k}</option>`)}</select>
      <input placeholder="filter text" value=${text} onInput=${(e) => setText(e.target.value)} /></div>
    <table class="events" data-testid="events"><thead><tr><th>at</th><th>type</th><th>actor</th><th>from → to</th><th>detail</th></tr></thead><tbody>
    ${shown.slice().reverse().map((e) => html`<tr><td>${e.at?.slice(11, 23)}</td><td>${e.type}</td><td>${e.actor?.id}</td>
      <td>${e.from ?? '∅'} → ${e.to}</td><td class="detail">${e.detail?.reason ?? e.detail?.state ?? ''}</td></tr>`)}
    </tbody></table></section>`;
}

function Numbers({ numbers }) {
  if (!numbers.length) return html`<p class="muted">No numbers imported.</p>`;
  const kw = (k) => (k ? `${(k.keywords ?? []).join(', ')}${k.response ? ` → “${k.response}”` : ''}` : '—');
  return html`<table><thead><tr><th>number</th><th>type</th><th>state</th><th>HELP</th><th>STOP (opt-out)</th><th>START (opt-in)</th></tr></thead><tbody>
    ${numbers.map((n) => html`<tr><td>${n.e164}</td><td>${n.type}</td><td><${Badge} state=${n.state} /></td>
      <td>${kw(n.keywords?.help)}</td><td>${kw(n.keywords?.optOut)}</td><td>${kw(n.keywords?.optIn)}</td></tr>`)}</tbody></table>`;
}

export function Integration({ org, id }) {
  const [info, setInfo] = useState(null);
  const [state, setState] = useState(null);
  const [charts, setCharts] = useState(null);
  const [numbers, setNumbers] = useState([]);
  const [list, setList] = useState([]);
  const [error, setError] = useState('');
  const base = `/v1/orgs/${org}/integrations/${id}`;
  const [row, setRow] = useState(null);
  const loadState = () => {
    api('GET', '/v1/console/fleet').then((f) => setRow(f.integrations.find((r) => r.org === org && r.id === id) ?? null), () => undefined);
    return api('GET', `${base}/state`).then(setState, (e) => setError(e.message));
  };
  const loadNumbers = () => api('GET', `/v1/orgs/${org}/numbers?integration=${encodeURIComponent(id)}`).then((r) => setNumbers(r.numbers), () => undefined);
  useEffect(() => {
    api('GET', base).then(setInfo, (e) => setError(e.message));
    api('GET', '/v1/console/machines').then((m) => setCharts(Object.fromEntries(m.machines.map((c) => [c.kind, c]))));
    loadState();
    loadNumbers();
    const es = events({ org, integration: id, replay: EVENTS_KEPT }, (e) => {
      setList((l) => [...l, e].slice(-EVENTS_KEPT));
      // the event says where the actor is now; the state route fills in the rest
      setState((s) => (s ? applyEvent(s, e) : s));
      if (e.actor?.kind === 'number') loadNumbers();
      loadState();
    });
    return () => es.close();
  }, []);
  const act = async (what) => {
    try {
      setInfo(await api('POST', `${base}/${what}`));
      setError('');
    } catch (e) {
      setError(e.message);
    }
  };
  const binds = state?.binds ?? [];
  return html`<section class="integration">
    <h2>${info?.name ?? id} <small>${org} / ${id}</small> <span data-testid="integration-state"><${Badge} state=${state?.state ?? '…'} /></span></h2>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="actions">desired: <b data-testid="desired">${info?.desired ?? state?.desired ?? '…'}</b>
      <button data-testid="activate" onClick=${() => act('activate')}>Activate</button>
      <button data-testid="deactivate" onClick=${() => act('deactivate')}>Deactivate</button>
      <span class="muted">owner: ${state?.instance ?? '—'} · ${info?.smscAddress ?? ''}:${info?.smscPort ?? ''} · ${info?.bindType ?? ''}</span></div>
    <${Binds} binds=${binds} windowSize=${row?.windowSize ?? '?'} />
    <p class="muted" data-testid="activity">queue ${row?.queueDepth ?? '—'} · ${row?.activity?.messagesPerSecond ?? '—'} msg/s ·
      last submit ${ago(row?.activity?.lastSubmitAt)} · last receipt ${ago(row?.activity?.lastReceiptAt)} ·
      failures (1 h): ${Object.entries(row?.activity?.failuresLastHour ?? {}).map(([k, n]) => `${k} ×${n}`).join(', ') || '—'}</p>
    ${charts && html`<div class="charts">
      <${Statechart} chart=${charts.integration} current=${state?.state} label="integration" />
      ${[0, 1, 2].map((i) => html`<${Statechart} chart=${charts.bind} current=${binds.find((b) => b.index === i)?.state ?? 'idle'} label=${`bind ${i}`} />`)}
    </div>`}
    <h3>Numbers</h3><${Numbers} numbers=${numbers} />
    <div class="lookups"><${SubscriberLookup} org=${org} numbers=${numbers} /><${MessageLookup} base=${base} /></div>
    <${EventList} list=${list} />
  </section>`;
}

function applyEvent(s, e) {
  if (e.actor?.kind === 'integration') return { ...s, state: e.to };
  if (e.actor?.kind === 'bind' && typeof e.detail?.index === 'number') {
    const binds = [0, 1, 2].map((i) => s.binds.find((b) => b.index === i) ?? { index: i, state: 'idle', since: '' });
    binds[e.detail.index] = { ...binds[e.detail.index], state: e.to, since: e.at, ...(e.detail.reason ? { lastError: e.detail.reason } : {}) };
    return { ...s, binds };
  }
  return s;
}
