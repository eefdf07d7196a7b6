// Console sign-in and the routes it added: nothing new is reachable without the token or a console
// session, the session cookie is HttpOnly + SameSite=Strict, state changes need the CSRF token, and a
// tampered, expired or foreign cookie is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/adapters/http/index.js';
import type { EventStreamFilter } from '../../src/domain/index.js';
import { consoleHarness, SESSION_TTL_MS } from './console-harness.js';

const clock = { now: new Date('2030-01-02T03:04:05.000Z') };
const seen: EventStreamFilter[] = [];
const h = consoleHarness({
  clock,
  events: {
    subscribe: async (filter, _opts, onEvent, onEnd) => {
      seen.push(filter);
      onEvent({ type: 'bind.bound', org: filter.org });
      setImmediate(() => onEnd?.());
      return { close: () => undefined };
    },
  },
});
beforeAll(async () => h.app.ready());
afterAll(async () => h.app.close());

const NEW_ROUTES: [string, string][] = [
  ['GET', '/v1/events/stream'],
  ['GET', '/v1/events/stream?org=acme'],
  ['GET', '/v1/orgs/acme/integrations/abc/messages/m1'],
  ['GET', '/v1/console/machines'],
  ['GET', '/v1/console/fleet'],
  ['GET', '/console/session'],
  ['DELETE', '/console/session'],
];

async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await h.app.inject({ method: 'POST', url: '/console/session', payload: { token: h.deps.apiToken } });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';', 1)[0]!, csrf: res.json().csrfToken, setCookie };
}

describe('console auth', () => {
  it.each(NEW_ROUTES)('%s %s refuses a request with neither token nor session', async (method, url) => {
    const res = await h.app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });

  it('serves the page and its files without a session (no secrets in them), with a strict CSP', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[\w+/=]+'/);
    expect(page.body).not.toContain(h.deps.apiToken);
    for (const url of ['/console/assets/app.js', '/console/vendor/preact.mjs', '/console/vendor/dagre.min.js']) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect((await h.app.inject({ method: 'GET', url: '/console/assets/..%2Fplugin.ts' })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/console/vendor/package.json' })).statusCode).toBe(404);
  });

  it('refuses a wrong token at sign-in and sets no cookie', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/console/session', payload: { token: 'wrong-token-0123456789' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await h.app.inject({ method: 'POST', url: '/console/session', payload: {} })).statusCode).toBe(400);
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie that opens the API (reads) and the new routes', async () => {
    const { cookie, setCookie, csrf } = await signIn();
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(h.deps.apiToken);
    expect(csrf).toMatch(/^[\w-]{43}$/);
    for (const url of ['/v1/state', '/v1/console/machines', '/v1/console/fleet', '/console/session']) {
      expect((await h.app.inject({ method: 'GET', url, headers: { cookie } })).statusCode, url).toBe(200);
    }
    expect((await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie } })).json().csrfToken).toBe(csrf);
  });

  it('needs the CSRF token for state changes made with the cookie', async () => {
    const id = await h.create();
    const { cookie, csrf } = await signIn();
    const url = `/v1/orgs/acme/integrations/${id}/activate`;
    const bare = await h.app.inject({ method: 'POST', url, headers: { cookie } });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.code).toBe('CSRF_REJECTED');
    const wrong = await h.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } });
    expect(wrong.statusCode).toBe(403);
    const ok = await h.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().desired).toBe('active');
  });

  it('refuses a tampered, expired or other-token cookie', async () => {
    const { cookie } = await signIn();
    const tampered = cookie.replace(/\.(\d+)\./, (_m, exp: string) => `.${Number(exp) + 1}.`).replace(/^(byo-console=)(\d+)/, (_m, p: string, exp: string) => `${p}${Number(exp) + 1000}`);
    expect((await h.app.inject({ method: 'GET', url: '/v1/state', headers: { cookie: tampered } })).statusCode).toBe(401);
    const foreign = new ConsoleSessions('another-token-0123456789', SESSION_TTL_MS, () => clock.now).issue();
    expect((await h.app.inject({ method: 'GET', url: '/v1/state', headers: { cookie: `byo-console=${foreign.value}` } })).statusCode).toBe(401);
    clock.now = new Date(clock.now.getTime() + SESSION_TTL_MS + 1);
    try {
      expect((await h.app.inject({ method: 'GET', url: '/v1/state', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      clock.now = new Date('2030-01-02T03:04:05.000Z');
    }
  });

  it('signs out: the cookie is cleared', async () => {
    const { cookie, csrf } = await signIn();
    const res = await h.app.inject({ method: 'DELETE', url: '/console/session', headers: { cookie, 'x-csrf-token': csrf } });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^byo-console=; .*Max-Age=0/);
  });
});

describe('GET /v1/events/stream', () => {
  it('streams events as text/event-stream with the filter it was given', async () => {
    const res = await h.call({ method: 'GET', url: '/v1/events/stream?org=acme&integration=abc&kind=bind&replay=5' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.body).toContain('data: {"type":"bind.bound","org":"acme"}\n\n');
    expect(seen.at(-1)).toEqual({ org: 'acme', integration: 'abc', kind: 'bind' });
  });

  it.each([
    ['kind=nope', 'VALIDATION_FAILED'], ['integration=abc', 'BAD_REQUEST'], ['replay=100000', 'VALIDATION_FAILED'], ['org=a.b', 'VALIDATION_FAILED'], ['extra=1', 'VALIDATION_FAILED'],
  ])('refuses ?%s with %s', async (query, code) => {
    const res = await h.call({ method: 'GET', url: `/v1/events/stream?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(code);
  });
});

describe('GET /v1/orgs/:org/integrations/:id/messages/:messageId', () => {
  it('answers 404 MESSAGE_NOT_FOUND for a message nothing knows, 404 NOT_FOUND for an unknown integration', async () => {
    const id = await h.create();
    const res = await h.call({ method: 'GET', url: `/v1/orgs/acme/integrations/${id}/messages/m-1` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('MESSAGE_NOT_FOUND');
    expect(res.json().error.message).toContain('m-1');
    const none = await h.call({ method: 'GET', url: '/v1/orgs/acme/integrations/nope/messages/m-1' });
    expect(none.json().error.code).toBe('NOT_FOUND');
  });
});

describe('GET /v1/events/stream on a listening server', () => {
  it('ends open streams when the server closes, so shutdown does not wait for browsers', async () => {
    let closed = 0;
    const s = consoleHarness({ events: { subscribe: async () => ({ close: () => void closed++ }) } });
    const address = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/v1/events/stream`, { headers: { authorization: `Bearer ${s.deps.apiToken}` } });
    expect(res.status).toBe(200);
    const body = res.body!.getReader();
    expect(new TextDecoder().decode((await body.read()).value)).toContain('retry:');
    await s.app.close();
    expect((await body.read()).done).toBe(true);
    expect(closed).toBe(1);
  });
});
