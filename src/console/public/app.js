// The console's shell: sign-in (API token in a password field → session cookie), then the fleet
// view (#/) or an integration page (#/i/<org>/<id>). Nothing secret ever goes into the URL.
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
      onSignedIn();
    } catch (err) {
      setError(err.status === 401 ? 'That token is not the API token.' : err.message);
    }
  };
  return html`<form class="signin" onSubmit=${submit} autocomplete="off">
    <h1>byo-smpp console</h1>
    <label>API token <input id="token" name="token" type="password" autofocus required /></label>
    <p class="hint">The value of BYO_API_TOKEN, or of the api-token file in the engine's data dir.</p>
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
  const [signedIn, setSignedIn] = useState(null);
  const route = useRoute();
  useEffect(() => {
    api('GET', '/console/session').then((s) => { setCsrf(s.csrfToken); setSignedIn(true); }, () => setSignedIn(false));
  }, []);
  if (signedIn === null) return html`<p class="loading">Loading…</p>`;
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  const signOut = async () => {
    await api('DELETE', '/console/session').catch(() => undefined);
    setCsrf(null);
    setSignedIn(false);
  };
  return html`<header><a href="#/" class="brand">byo-smpp</a><nav><a href="#/">Fleet</a></nav>
      <button class="link" onClick=${signOut}>Sign out</button></header>
    <main>${route.page === 'integration' ? html`<${Integration} key=${route.org + route.id} org=${route.org} id=${route.id} />` : html`<${Fleet} />`}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
