import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, tokenMatches } from '../../../src/adapters/http/index.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';
import { PASSWORD, TOKEN, harness, validBody, type Harness } from './http-harness.js';

let h: Harness;
afterEach(async () => { await h?.app.close(); });

const base = '/v1/orgs/acme/integrations';

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['the token without the Bearer scheme', { authorization: TOKEN }],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses %s with 401 UNAUTHORIZED on every /v1 route', async (_what, headers) => {
    h = harness();
    for (const [method, url] of [['GET', base], ['POST', base], ['GET', '/v1/state'], ['GET', '/v1/ipranges'], ['DELETE', `${base}/x`], ['GET', '/v1/nope']] as const) {
      const res = await h.app.inject({ method, url, headers, payload: method === 'POST' ? validBody() : undefined });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(h.store.writes).toBe(0);
  });

  it('cannot be bypassed by percent-encoding the path', async () => {
    h = harness();
    const res = await h.app.inject({ method: 'GET', url: '/%761/state' });
    expect(res.statusCode).toBe(401);
  });

  it('accepts the scheme in any case', () => {
    expect(tokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });

  it('refuses to start with an empty token', () => {
    expect(() => harness({ apiToken: '' })).toThrow(/empty API token/);
  });
});

describe('error handling', () => {
  it('answers an unknown route with 404 NOT_FOUND in the error shape', async () => {
    h = harness();
    const res = await h.call({ method: 'GET', url: '/v1/orgs/acme/widgets' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /v1/orgs/acme/widgets' } });
    const open = await h.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(open.statusCode).toBe(404);
  });

  it('answers 415 for a non-JSON body and stores nothing', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await h.call({ method: 'POST', url: base, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
    expect(form.statusCode).toBe(415);
    expect(h.store.writes).toBe(0);
  });

  it('accepts application/json with a charset parameter', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify(validBody()) });
    expect(res.statusCode).toBe(201);
  });

  it('answers 413 for a body over 256 KiB', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, payload: { ...validBody(), notes: 'x'.repeat(300 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(h.store.writes).toBe(0);
  });

  it('answers malformed URLs and over-long ids with 400 in the error shape', async () => {
    h = harness();
    const cases: [url: string, code: string][] = [
      ['/v1/orgs/%E0%A4%A/integrations', 'BAD_REQUEST'],
      [`/v1/orgs/acme/integrations/${'x'.repeat(150)}`, 'BAD_REQUEST'], // longer than the router takes a parameter
      [`${base}/${'x'.repeat(65)}`, 'VALIDATION_FAILED'], // routed, then refused by the id schema
    ];
    for (const [url, code] of cases) {
      const res = await h.call({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe(code);
    }
  });

  it('refuses prototype-poisoning JSON as invalid', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });

  it('answers anything unexpected with 500 INTERNAL, logged, without a stack or the cause', async () => {
    const store = new MemoryIntegrationStore();
    store.list = async () => { throw new Error('kv exploded at /srv/secret/path'); };
    h = harness({ store });
    const res = await h.call({ method: 'GET', url: base });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.error.code).toBe('INTERNAL');
    expect(res.body).not.toMatch(/exploded|secret|at .*\.ts/);
    expect(h.logs.some((l) => l.includes('kv exploded') && l.includes('"level":50'))).toBe(true);
  });
});

describe('plugins', () => {
  const widgets: FastifyPluginAsync = async (app) => {
    app.get('/v1/orgs/:org/widgets', async (req) => {
      req.log.info({ credentials: { systemId: 'a', password: PASSWORD }, body: { password: PASSWORD } }, 'plugin saw secrets');
      throw new HttpError('NUMBER_UNAVAILABLE', 'This Phone Number address is not available for provisioning.');
    });
    app.post('/v1/orgs/:org/widgets', async (req) => z.strictObject({ size: z.int() }).parse(req.body));
  };

  it('runs behind the same auth and renders its errors in the same shape', async () => {
    h = harness({ plugins: [widgets] });
    expect((await h.app.inject({ method: 'GET', url: '/v1/orgs/acme/widgets' })).statusCode).toBe(401);
    const res = await h.call({ method: 'GET', url: '/v1/orgs/acme/widgets' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'NUMBER_UNAVAILABLE', message: 'This Phone Number address is not available for provisioning.' } });
    const bad = await h.call({ method: 'POST', url: '/v1/orgs/acme/widgets', payload: { size: 'big' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^size:/) });
  });

  it('keeps secrets out of every log line', async () => {
    h = harness({ plugins: [widgets] });
    await h.call({ method: 'GET', url: '/v1/orgs/acme/widgets' });
    await h.call({ method: 'POST', url: base, payload: validBody() });
    await h.call({ method: 'POST', url: base, payload: { ...validBody(), smscPort: 25 } });
    await h.app.inject({ method: 'GET', url: base, headers: { authorization: `Bearer ${TOKEN}-wrong` } });
    const all = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(4);
    expect(all).toContain('plugin saw secrets');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(TOKEN);
  });
});
