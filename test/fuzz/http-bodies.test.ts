// Every HTTP route fed hostile input (fixed seed): random JSON of every type where a body is read,
// invalid JSON, an oversized body, a wrong content type, random path parameters. Each answer is a
// catalogued 4xx (never a 5xx, never a success for input the schema refuses) and nothing changes:
// integrations, numbers and tokens read the same before and after.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES, numberRoutes } from '../../src/adapters/http/index.js';
import { ROUTE_DOCS } from '../../src/adapters/http/openapi.js';
import type { Harness } from '../adapters/http/http-harness.js';
import { consoleHarness } from '../console/console-harness.js';
import { MemoryTokenStore } from '../helpers/memory-token-store.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';
import { createMemoryNumberStore } from '../helpers/memory-number-store.js';

const SEED = 777;
const BODIES_PER_ROUTE = 60;
const OPEN = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json']);

let h: Harness;
let tokens: MemoryTokenStore;
let url: (route: string) => string;

const snapshot = async (): Promise<string> => JSON.stringify(await Promise.all(
  ['/v1/orgs/acme/integrations', '/v1/orgs/acme/numbers', '/v1/orgs/acme/tokens'].map(async (u) => (await h.call({ method: 'GET', url: u })).json()),
));

beforeAll(async () => {
  tokens = new MemoryTokenStore();
  const integrations = new MemoryIntegrationStore();
  // with the console plugin and its event-stream and trace sources, as engine.ts wires them
  h = consoleHarness({ tokens, store: integrations, plugins: [numberRoutes({ numbers: createMemoryNumberStore(), integrations })] });
  const id = await h.create('acme');
  expect((await h.call({ method: 'POST', url: `/v1/orgs/acme/integrations/${id}/numbers`, payload: { type: 'local', senderId: '+15551230001' } })).statusCode).toBe(201);
  const tok = (await h.call({ method: 'POST', url: '/v1/orgs/acme/tokens', payload: { name: 'one' } })).json<{ id: string }>();
  url = (route) => route.replace(':org', 'acme').replace(':id', id).replace(':e164', '%2B15551230001').replace(':handset', '%2B15559870000').replace(':tokenId', tok.id);
});

const routes = Object.keys(ROUTE_DOCS).filter((r) => !OPEN.has(r) && r.includes('/v1/'));
const withBody = routes.filter((r) => ROUTE_DOCS[r]!.body);
const hostile = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('name', 'smscAddress', 'smscPort', 'credentials', 'systemId', 'password', 'type', 'senderId', 'tls', 'advanced', 'keywords', '__proto__', 'constructor'),
    fc.oneof(fc.anything({ maxDepth: 2 }), fc.string({ maxLength: 3000 }), fc.integer(), fc.constant(null))),
);
const expectCatalogued4xx = (res: { statusCode: number; body: string }, what: string): void => {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  const code = (JSON.parse(res.body) as { error: { code: keyof typeof HTTP_ERROR_CODES } }).error.code;
  expect(HTTP_ERROR_CODES[code], what).toBe(res.statusCode);
};

describe('HTTP routes fed hostile input', () => {
  it.each(withBody)('%s: random bodies the schema refuses are a catalogued 4xx and change nothing', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const schema = ROUTE_DOCS[route]!.body!(h.deps.schemas);
    const before = await snapshot();
    let tried = 0;
    for (const body of fc.sample(hostile, { seed: SEED, numRuns: BODIES_PER_ROUTE * 3 })) {
      if (schema.safeParse(body).success || body === undefined) continue; // valid input is not hostile
      if (++tried > BODIES_PER_ROUTE) break;
      const res = await h.call({ method: method as 'POST', url: url(path), headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'undefined' });
      expectCatalogued4xx(res, `${route} with ${JSON.stringify(body)?.slice(0, 120)}`);
    }
    expect(tried).toBeGreaterThan(BODIES_PER_ROUTE / 2);
    expect(await snapshot()).toBe(before);
  });

  it.each(routes.filter((r) => !r.startsWith('GET')))('%s: invalid JSON, an oversized body and a wrong content type are refused', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const before = await snapshot();
    const cases: [string, Record<string, string>, string, string][] = [
      ['invalid JSON', { 'content-type': 'application/json' }, '{"name": ', 'INVALID_JSON'],
      ['oversized', { 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(300 * 1024) }), 'PAYLOAD_TOO_LARGE'],
      ['text/plain', { 'content-type': 'text/plain' }, 'name=x', 'UNSUPPORTED_MEDIA_TYPE'],
      ['deep nesting', { 'content-type': 'application/json' }, '['.repeat(5000) + ']'.repeat(5000), ''],
    ];
    for (const [what, headers, payload, code] of cases) {
      const res = await h.call({ method: method as 'POST', url: url(path), headers, payload });
      expectCatalogued4xx(res, `${route} ${what}`);
      if (code) expect(res.json().error.code, `${route} ${what}`).toBe(code);
    }
    expect(await snapshot()).toBe(before);
  });

  // the event stream has no path parameters and, once open, never ends: its query is fuzzed by its own tests
  it.each(routes.filter((r) => r !== 'GET /v1/events/stream'))('%s: random path parameters are a 4xx, never a 5xx', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const segment = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('..', '%2e%2e', '%00', '%ff', 'a'.repeat(300), '+', '%2B', '😀'))
      .map((s) => (/%[0-9a-fA-F]{2}/.test(s) ? s : encodeURIComponent(s)))
      .filter((s) => s.length > 0);
    const before = await snapshot();
    for (const [org, id, other] of fc.sample(fc.tuple(segment, segment, segment), { seed: SEED, numRuns: 25 })) {
      const u = path.replace(':org', org).replace(':id', id).replace(/:(e164|tokenId|handset|messageId)/g, other);
      const res = await h.call({ method: method as 'POST', url: u, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
      expect(res.statusCode, `${method} ${u}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      if (res.statusCode >= 400) expectCatalogued4xx(res, `${method} ${u}`);
    }
    expect(await snapshot()).toBe(before);
  });
});
