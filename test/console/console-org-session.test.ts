// Console sign-in with an org token: the session is confined to that org exactly like the token
// (404 outside it, the fleet narrowed to it, token management refused), cannot be altered to reach
// another org, and ends as soon as the token is revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/adapters/http/index.js';
import { MemoryTokenStore } from '../helpers/memory-token-store.js';
import { consoleHarness, SESSION_TTL_MS } from './console-harness.js';

/** the secret part of byotok_<id>_<secret>: base64url, so it may contain '_' itself */
const secretOf = (token: string): string => token.split('_').slice(2).join('_');

const tokens = new MemoryTokenStore();
const h = consoleHarness({ tokens });
let acmeId = '';
let globexId = '';
beforeAll(async () => {
  await h.app.ready();
  acmeId = await h.create('acme');
  globexId = await h.create('globex');
});
afterAll(async () => h.app.close());

async function mintToken(org: string): Promise<{ id: string; token: string }> {
  const res = await h.call({ method: 'POST', url: `/v1/orgs/${org}/tokens`, payload: { name: 'console' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function signIn(token: string): Promise<{ cookie: string; csrf: string; body: Record<string, unknown> }> {
  const res = await h.app.inject({ method: 'POST', url: '/console/session', payload: { token } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';', 1)[0]!, csrf: res.json().csrfToken, body: res.json() };
}

const get = (url: string, cookie: string) => h.app.inject({ method: 'GET', url, headers: { cookie } });

describe('console session signed in with an org token', () => {
  it('signs in, says which org it is confined to, and keeps the token out of the cookie and the logs', async () => {
    const { token } = await mintToken('acme');
    const { cookie, body } = await signIn(token);
    expect(body.org).toBe('acme');
    expect(cookie).not.toContain(secretOf(token));
    const again = await get('/console/session', cookie);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().org).toBe('acme');
    expect(h.logs.join('\n')).not.toContain(secretOf(token));
    const admin = await signIn(h.deps.apiToken);
    expect(admin.body.org).toBeNull();
  });

  it('reaches its own org and sees only it: fleet, state, integrations; machines charts too', async () => {
    const { cookie } = await signIn((await mintToken('acme')).token);
    const fleet = await get('/v1/console/fleet', cookie);
    expect(fleet.statusCode).toBe(200);
    expect(fleet.json<{ integrations: { org: string; id: string }[] }>().integrations.map((r) => r.id)).toEqual([acmeId]);
    // the engines carry no org data: an org session sees which ones answer, like GET /v1/state
    expect(fleet.json<{ instances: unknown[] }>().instances).toEqual([{ id: 'engine-1', live: true, snapshotAgeMs: 0 }]);
    const adminFleet = await h.call({ method: 'GET', url: '/v1/console/fleet' });
    expect(adminFleet.json<{ integrations: unknown[] }>().integrations).toHaveLength(2);
    expect((await get(`/v1/orgs/acme/integrations/${acmeId}`, cookie)).statusCode).toBe(200);
    expect((await get('/v1/console/machines', cookie)).statusCode).toBe(200);
  });

  it('answers 404 outside its org, 403 on token management, and needs the CSRF token for changes', async () => {
    const { cookie, csrf } = await signIn((await mintToken('acme')).token);
    for (const url of ['/v1/orgs/globex/integrations', `/v1/orgs/globex/integrations/${globexId}`, '/v1/orgs/nobody/integrations']) {
      const res = await get(url, cookie);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.message).toBe(`no route GET ${url}`);
    }
    const foreign = await h.app.inject({ method: 'POST', url: `/v1/orgs/globex/integrations/${globexId}/activate`, headers: { cookie, 'x-csrf-token': csrf } });
    expect(foreign.statusCode).toBe(404);
    expect((await get('/v1/orgs/acme/tokens', cookie)).statusCode).toBe(403);
    const url = `/v1/orgs/acme/integrations/${acmeId}/activate`;
    expect((await h.app.inject({ method: 'POST', url, headers: { cookie } })).statusCode).toBe(403);
    const ok = await h.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await h.call({ method: 'GET', url: `/v1/orgs/globex/integrations/${globexId}` })).json().desired).not.toBe('active');
  });

  it('ends when the token is revoked, on the very next request', async () => {
    const minted = await mintToken('acme');
    const { cookie } = await signIn(minted.token);
    expect((await get('/v1/console/fleet', cookie)).statusCode).toBe(200);
    const revoked = await h.call({ method: 'DELETE', url: `/v1/orgs/acme/tokens/${minted.id}` });
    expect(revoked.statusCode).toBe(204);
    for (const url of ['/v1/console/fleet', '/console/session', `/v1/orgs/acme/integrations/${acmeId}`]) {
      const res = await get(url, cookie);
      expect(res.statusCode, url).toBe(401);
    }
    const again = await h.app.inject({ method: 'POST', url: '/console/session', payload: { token: minted.token } });
    expect(again.statusCode).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('cannot be altered to another org, another token, or an admin session', async () => {
    const globexToken = await mintToken('globex');
    const { cookie } = await signIn((await mintToken('acme')).token);
    const m = /^byo-console=(\d+)\.([\w-]+)\.([a-f0-9]{24})\.(acme)\.([\w-]{43})$/.exec(cookie);
    expect(m, cookie).not.toBeNull();
    const [, exp, nonce, tokenId, , mac] = m!;
    const forged = [
      `${exp}.${nonce}.${tokenId}.globex.${mac}`, // another org, same token id
      `${exp}.${nonce}.${globexToken.id}.globex.${mac}`, // a real globex token id
      `${exp}.${nonce}.${mac}`, // dropped the org part: an admin-shaped cookie
      `${Number(exp) + 1000}.${nonce}.${tokenId}.acme.${mac}`, // longer life
    ];
    for (const value of forged) {
      expect((await get('/v1/orgs/globex/integrations', `byo-console=${value}`)).statusCode, value).toBe(401);
      expect((await get('/v1/console/fleet', `byo-console=${value}`)).statusCode, value).toBe(401);
    }
    // a session for a real token, but signed with another API token, is refused too
    const other = new ConsoleSessions('another-token-0123456789', SESSION_TTL_MS, () => new Date('2030-01-02T03:04:05.000Z'))
      .issue({ kind: 'org', org: 'globex', tokenId: globexToken.id });
    expect((await get('/v1/console/fleet', `byo-console=${other.value}`)).statusCode).toBe(401);
  });

  it('refuses an org session when the server has no token store', async () => {
    const bare = consoleHarness();
    const value = bare.sessions.issue({ kind: 'org', org: 'acme', tokenId: 'a'.repeat(24) }).value;
    expect((await bare.app.inject({ method: 'GET', url: '/v1/console/fleet', headers: { cookie: `byo-console=${value}` } })).statusCode).toBe(401);
    const signIn = await bare.app.inject({ method: 'POST', url: '/console/session', payload: { token: `byotok_${'a'.repeat(24)}_${'b'.repeat(43)}` } });
    expect(signIn.statusCode).toBe(401);
    await bare.app.close();
  });
});
