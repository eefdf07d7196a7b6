// Org-scoped API tokens: created, listed and revoked with the admin token; an org token reaches its
// own org's routes only. Every route the server registers (read from /openapi.json, so a new route
// is covered without editing this file) is called with an org token for another org: each answers
// 404 with the same body whether the other org's resource exists or not, and nothing changes.
import { beforeEach, describe, expect, it } from 'vitest';
import { numberRoutes } from '../../../src/adapters/http/index.js';
import { AUTH, type Harness } from './http-harness.js';
import { consoleHarness } from '../../console/console-harness.js';
import { MemoryTokenStore } from '../../helpers/memory-token-store.js';
import { createMemoryNumberStore } from '../../helpers/memory-number-store.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';

const OPEN = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json']);

interface World { h: Harness; tokens: MemoryTokenStore; acmeToken: string; acmeTokenId: string; globexId: string; acmeId: string }

async function world(): Promise<World> {
  const tokens = new MemoryTokenStore();
  const numbers = createMemoryNumberStore();
  const integrations = new MemoryIntegrationStore();
  // the console's routes too; an event stream that ends at once, so a stream an org token may open is answered
  const events = { subscribe: async (..._a: unknown[]) => { const onEnd = _a[3] as (() => void) | undefined; setImmediate(() => onEnd?.()); return { close: () => undefined }; } };
  const h = consoleHarness({ tokens, store: integrations, events, plugins: [numberRoutes({ numbers, integrations })] });
  const acmeId = await h.create('acme');
  const globexId = await h.create('globex');
  const imported = await h.call({ method: 'POST', url: `/v1/orgs/globex/integrations/${globexId}/numbers`, payload: { type: 'local', senderId: '+15551230001' } });
  expect(imported.statusCode, imported.body).toBe(201);
  const res = await h.call({ method: 'POST', url: '/v1/orgs/acme/tokens', payload: { name: 'acme backend' } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ id: string; token: string }>();
  return { h, tokens, acmeToken: body.token, acmeTokenId: body.id, globexId, acmeId };
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every protected route, with its params filled for `org`. */
/** routes without :org an org token may use: narrowed to its org (state, events, fleet) or the same for everyone */
const ORG_LESS = ['GET /v1/state', 'GET /v1/ipranges', 'GET /v1/events/stream', 'GET /v1/console/fleet', 'GET /v1/console/machines', 'GET /console/session', 'DELETE /console/session'];

async function routesFor(w: World, org: string, id: string): Promise<{ method: string; url: string; key: string }[]> {
  const doc = (await w.h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>();
  const out: { method: string; url: string; key: string }[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      if (OPEN.has(key) || op.security?.length === 0) continue;
      const url = path.replace('{org}', org).replace('{id}', id).replace('{e164}', '%2B15551230001')
        .replace('{handset}', '%2B15559870000').replace('{tokenId}', w.acmeTokenId).replace('{messageId}', 'msg-1');
      out.push({ method: method.toUpperCase(), url, key });
    }
  }
  return out;
}

const bodyFor = (method: string) => (['POST', 'PUT', 'PATCH'].includes(method) ? { name: 'x', type: 'local', senderId: '+15551230002', systemId: 's', password: 'p' } : undefined);

describe('org-scoped API tokens', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });

  it('shows the secret once, lists without it, and stores only a hash', async () => {
    expect(w.acmeToken).toMatch(/^byotok_[a-f0-9]{24}_[\w-]{43}$/);
    const list = await w.h.call({ method: 'GET', url: '/v1/orgs/acme/tokens' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ tokens: [{ id: w.acmeTokenId, org: 'acme', name: 'acme backend', createdAt: '2030-01-02T03:04:05.000Z' }] });
    const secret = w.acmeToken.split('_').slice(2).join('_');
    expect(JSON.stringify([...w.tokens.records.values()])).not.toContain(secret);
    expect(list.body).not.toContain(secret);
    expect(w.h.logs.join('\n')).not.toContain(secret);
  });

  it('opens its own org: list, read, state, ipranges; /v1/state is narrowed to its org', async () => {
    w.h.state.set({ org: 'acme', id: w.acmeId, state: 'active', desired: 'active', since: 'x', binds: [], counters: {}, instance: 'i' } as never);
    w.h.state.set({ org: 'globex', id: w.globexId, state: 'active', desired: 'active', since: 'x', binds: [], counters: {}, instance: 'i' } as never);
    const list = await w.h.app.inject({ method: 'GET', url: '/v1/orgs/acme/integrations', headers: as(w.acmeToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ integrations: { id: string }[] }>().integrations.map((i) => i.id)).toEqual([w.acmeId]);
    const one = await w.h.app.inject({ method: 'GET', url: `/v1/orgs/acme/integrations/${w.acmeId}`, headers: as(w.acmeToken) });
    expect(one.statusCode).toBe(200);
    const state = await w.h.app.inject({ method: 'GET', url: '/v1/state', headers: as(w.acmeToken) });
    expect(state.json<{ integrations: { org: string }[] }>().integrations.map((s) => s.org)).toEqual(['acme']);
    expect(state.json<{ instances: unknown[] }>().instances).toEqual(w.h.state.instances);
    const adminState = await w.h.call({ method: 'GET', url: '/v1/state' });
    expect(adminState.json<{ integrations: unknown[] }>().integrations).toHaveLength(2);
    expect((await w.h.app.inject({ method: 'GET', url: '/v1/ipranges', headers: as(w.acmeToken) })).statusCode).toBe(200);
  });

  it('cannot create, list or revoke tokens in its own org (403)', async () => {
    for (const [method, url] of [['POST', '/v1/orgs/acme/tokens'], ['GET', '/v1/orgs/acme/tokens'], ['DELETE', `/v1/orgs/acme/tokens/${w.acmeTokenId}`]] as const) {
      const res = await w.h.app.inject({ method, url, headers: as(w.acmeToken), ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect(w.tokens.records.size).toBe(1);
  });

  it('answers 404 on every route outside its org, the same whether the resource exists or not, and changes nothing', async () => {
    const snapshot = async () => JSON.stringify(await Promise.all(['/v1/orgs/globex/integrations', '/v1/orgs/globex/numbers']
      .map(async (url) => (await w.h.call({ method: 'GET', url })).json())));
    const before = await snapshot();
    const tokensBefore = JSON.stringify([...w.tokens.records.values()]);
    const existing = await routesFor(w, 'globex', w.globexId);
    const missing = await routesFor(w, 'nobody', '00000000-0000-4000-8000-000000000000');
    expect(existing.length).toBeGreaterThanOrEqual(18);
    expect(existing.map((r) => r.key)).toContain('GET /v1/console/fleet');
    for (const [i, r] of existing.entries()) {
      const payload = bodyFor(r.method);
      const res = await w.h.app.inject({ method: r.method as 'GET', url: r.url, headers: as(w.acmeToken), ...(payload ? { payload } : {}) });
      if (r.url.startsWith('/v1/orgs/')) {
        expect(res.statusCode, `${r.key}: ${res.body}`).toBe(404);
        const other = await w.h.app.inject({ method: r.method as 'GET', url: missing[i]!.url, headers: as(w.acmeToken), ...(payload ? { payload } : {}) });
        expect(other.statusCode, missing[i]!.key).toBe(404);
        // the message names the path asked for, nothing learnt from the store
        expect(res.json().error.message).toBe(`no route ${r.method} ${r.url}`);
      } else {
        expect(ORG_LESS, `${r.key} has no :org: decide how org tokens use it`).toContain(r.key);
        expect(res.body, r.key).not.toContain(w.globexId);
      }
    }
    expect(await snapshot()).toBe(before);
    expect(before).toContain(w.globexId);
    expect(JSON.stringify([...w.tokens.records.values()])).toBe(tokensBefore);
  });

  it("may not open another org's event stream (404, whether the org exists or not)", async () => {
    for (const org of ['globex', 'nobody']) {
      const res = await w.h.app.inject({ method: 'GET', url: `/v1/events/stream?org=${org}`, headers: as(w.acmeToken) });
      expect(res.statusCode, res.body).toBe(404);
    }
  });

  it('a revoked token, a wrong secret or a token of another shape is 401', async () => {
    const wrongSecret = w.acmeToken.slice(0, -4) + 'AAAA';
    expect((await w.h.app.inject({ method: 'GET', url: '/v1/orgs/acme/integrations', headers: as(wrongSecret) })).statusCode).toBe(401);
    expect((await w.h.app.inject({ method: 'GET', url: '/v1/orgs/acme/integrations', headers: as('byotok_nothing') })).statusCode).toBe(401);
    expect((await w.h.call({ method: 'DELETE', url: `/v1/orgs/globex/tokens/${w.acmeTokenId}` })).statusCode).toBe(404);
    expect((await w.h.call({ method: 'DELETE', url: `/v1/orgs/acme/tokens/${w.acmeTokenId}` })).statusCode).toBe(204);
    const after = await w.h.app.inject({ method: 'GET', url: '/v1/orgs/acme/integrations', headers: as(w.acmeToken) });
    expect(after.statusCode).toBe(401);
    expect((await w.h.call({ method: 'DELETE', url: `/v1/orgs/acme/tokens/${w.acmeTokenId}` })).statusCode).toBe(404);
  });

  it('refuses a malformed create body with VALIDATION_FAILED and stores nothing', async () => {
    for (const payload of [{ name: 5 }, { name: 'x'.repeat(101) }, { extra: true }, [1]]) {
      const res = await w.h.call({ method: 'POST', url: '/v1/orgs/acme/tokens', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(w.tokens.records.size).toBe(1);
    expect(AUTH.authorization).toContain('Bearer');
  });
});
