// /openapi.json describes every route the server registers (plugins included), with the zod body
// schemas as JSON Schema, and is served without a token like the health probes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberRoutes } from '../../../src/adapters/http/number-routes.js';
import { ROUTE_DOCS } from '../../../src/adapters/http/openapi.js';
import { createMemoryNumberStore } from '../../helpers/memory-number-store.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';
import type { Harness } from './http-harness.js';
import { MemoryTokenStore } from '../../helpers/memory-token-store.js';
import { consoleHarness } from '../../console/console-harness.js';

let h: Harness;
let doc: { openapi: string; paths: Record<string, Record<string, any>>; security: unknown[] };

beforeAll(async () => {
  // the console plugin beside the numbers plugin, as engine.ts registers them
  h = consoleHarness({ tokens: new MemoryTokenStore(), plugins: [numberRoutes({ numbers: createMemoryNumberStore(), integrations: new MemoryIntegrationStore() })] });
  await h.app.ready();
  const res = await h.app.inject({ method: 'GET', url: '/openapi.json' }); // no token
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => h.app.close());

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op })));

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with bearer auth by default', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('lists every registered route, each with a summary (no route left undocumented)', () => {
    const listed = operations();
    expect(listed.filter((o) => o.op.summary === '(undocumented)').map((o) => o.key)).toEqual([]);
    expect(listed.map((o) => o.key).sort()).toEqual(Object.keys(ROUTE_DOCS).sort());
    for (const { key } of listed) {
      const [method, url] = key.split(' ') as [string, string];
      expect(h.app.hasRoute({ method: method as 'GET', url }), key).toBe(true);
    }
  });

  it('marks the probes and this document public, everything under /v1 behind the token', () => {
    for (const { key, op } of operations()) {
      const open = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json',
        'GET /console', 'GET /console/assets/:file', 'GET /console/vendor/:file', 'POST /console/session'].includes(key);
      expect(op.security, key).toEqual(open ? [] : undefined);
    }
  });

  it('carries the request body schemas from zod, with the reference defaults and ranges', () => {
    const create = doc.paths['/v1/orgs/{org}/integrations']!.post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'smscAddress']));
    expect(create.properties.messagesPerSecond).toMatchObject({ default: 20, maximum: 100 });
    expect(create.properties.bindType.enum ?? create.properties.bindType.anyOf).toBeDefined();
    const num = doc.paths['/v1/orgs/{org}/integrations/{id}/numbers']!.post.requestBody.content['application/json'].schema;
    expect(num.properties.type.enum).toEqual(['local', 'mobile', 'tollfree', 'shortcode']);
    const creds = doc.paths['/v1/orgs/{org}/integrations/{id}/credentials']!.put;
    expect(creds.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['systemId', 'password']));
    expect(creds.parameters.map((p: { name: string }) => p.name)).toEqual(['org', 'id']);
  });

  it('describes the error body with every catalogued code', () => {
    const err = doc.paths['/v1/state']!.get.responses.default.content['application/json'].schema;
    expect(err.properties.error.properties.code.enum).toContain('VALIDATION_FAILED');
  });
});
