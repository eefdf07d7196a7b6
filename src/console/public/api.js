// Calls the admin API with the session cookie; state-changing calls carry the session's CSRF token.
let csrf = null;
export const setCsrf = (token) => { csrf = token; };

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? res.statusText);
    err.status = res.status;
    err.code = data?.error?.code;
    throw err;
  }
  return data;
}

/** server-sent events from GET /v1/events/stream; returns the EventSource (close() it) */
export function events(params, onEvent) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  const es = new EventSource(`/v1/events/stream?${q}`);
  es.onmessage = (m) => onEvent(JSON.parse(m.data));
  return es;
}

export const ago = (iso) => {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};
