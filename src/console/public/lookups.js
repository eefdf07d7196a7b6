// Subscriber lookup (GET .../numbers/:e164/subscribers/:handset) and message trace (GET .../messages/:id).
import { h } from 'preact';
import { useState } from 'preact/hooks';
import htm from 'htm';
import { api } from './api.js';

const html = htm.bind(h);

export function SubscriberLookup({ org, numbers }) {
  const [result, setResult] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    try {
      setResult(await api('GET', `/v1/orgs/${org}/numbers/${encodeURIComponent(f.sender.value)}/subscribers/${encodeURIComponent(f.handset.value)}`));
    } catch (err) {
      setResult({ error: err.message });
    }
  };
  return html`<form class="lookup" onSubmit=${submit}><h3>Subscriber</h3>
    <select name="sender" aria-label="sender number">${numbers.map((n) => html`<option>${n.e164}</option>`)}</select>
    <input name="handset" placeholder="+15557654321" required aria-label="handset" /><button>Look up</button>
    ${result && (result.error ? html`<p class="error">${result.error}</p>` : html`<p><b>${result.state}</b></p>
      <ul>${(result.history ?? []).map((x) => html`<li>${x.at} ${x.keyword ?? x.kind ?? ''} ${x.text ?? ''}</li>`)}</ul>`)}
  </form>`;
}

export function MessageLookup({ base }) {
  const [trace, setTrace] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      setTrace(await api('GET', `${base}/messages/${encodeURIComponent(e.target.elements.messageId.value)}`));
    } catch (err) {
      setTrace({ error: `${err.code ?? ''} ${err.message}` });
    }
  };
  return html`<form class="lookup" onSubmit=${submit}><h3>Message</h3>
    <input name="messageId" placeholder="message id" required aria-label="message id" /><button>Trace</button>
    ${trace && (trace.error ? html`<p class="error" data-testid="trace-error">${trace.error}</p>` : html`<table data-testid="trace"><tbody>
      ${trace.timeline.map((t) => html`<tr><td>${t.at?.slice(11, 23) ?? '—'}</td><td>${t.kind}</td><td>${t.segment ?? ''}</td>
        <td>${t.smscMessageId ?? ''}</td><td>${t.commandStatus ?? ''}</td><td>${t.status ?? ''}</td><td>${t.detail ?? ''}</td></tr>`)}</tbody></table>`)}
  </form>`;
}
