// The console's shell: sign-in (API token or an org token in a password field → session cookie), then
// the fleet view (#/) or an integration page (#/i/<org>/<id>). Nothing secret ever goes into the URL.
// An org token's session sees its own org only (the server enforces it; the header names the org).
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api, setCsrf } from './api.js';
import { Fleet } from './fleet.js';
import { Integration } from './integration.js';

const html = htm.bind(h);

function SignIn({ onSignedIn }) {
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const input = e.target.elements.token;
    try {
      const s = await api('POST', '/console/session', { token: input.value });
      input.value = '';
      setCsrf(s.csrfToken);
      onSignedIn(s);
    } catch (err) {
      setError(err.status === 401 ? 'That token is not the API token nor an org token.' : err.message);
    }
  };
  return html`<form class="signin" onSubmit=${submit} autocomplete="off">
    <h1>byo-smpp console</h1>
    <label>API token <input id="token" name="token" type="password" autofocus required /></label>
    <p class="hint">The value of BYO_API_TOKEN (or of the api-token file in the engine's data dir), or an org token (byotok_…) to see that org only.</p>
    <button type="submit">Sign in</button>
    ${error && html`<p class="error" role="alert" data-testid="signin-error">${error}</p>`}
  </form>`;
}

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const m = /^#\/i\/([\w-]+)\/([\w-]+)$/.exec(hash);
  return m ? { page: 'integration', org: m[1], id: m[2] } : { page: 'fleet' };
}

function App() {
  // null while loading, false when signed out, else the session ({ org } is null for the admin)
  const [session, setSession] = useState(null);
  const route = useRoute();
  useEffect(() => {
    api('GET', '/console/session').then((s) => { setCsrf(s.csrfToken); setSession(s); }, () => setSession(false));
  }, []);
  if (session === null) return html`<p class="loading">Loading…</p>`;
  if (!session) return html`<${SignIn} onSignedIn=${setSession} />`;
  const signOut = async () => {
    await api('DELETE', '/console/session').catch(() => undefined);
    setCsrf(null);
    setSession(false);
  };
  return html`<header><a href="#/" class="brand">byo-smpp</a><nav><a href="#/">Fleet</a></nav>
      ${session.org && html`<span class="scope" data-testid="session-org">org ${session.org}</span>`}
      <button class="link" onClick=${signOut}>Sign out</button></header>
    <main>${route.page === 'integration' ? html`<${Integration} key=${route.org + route.id} org=${route.org} id=${route.id} />` : html`<${Fleet} />`}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
