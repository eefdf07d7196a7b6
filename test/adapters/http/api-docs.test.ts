// docs/api.md is the user-facing contract: every error code and every route must be in it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../../../src/adapters/http/index.js';

const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

describe('docs/api.md', () => {
  it.each(Object.entries(HTTP_ERROR_CODES))('documents error code %s with status %i', (code, status) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `no table row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it.each([
    'POST /v1/orgs/:org/integrations', 'GET /v1/orgs/:org/integrations', 'GET /v1/orgs/:org/integrations/:id',
    'PATCH /v1/orgs/:org/integrations/:id', 'PUT /v1/orgs/:org/integrations/:id/credentials',
    'POST /v1/orgs/:org/integrations/:id/activate', 'POST …/deactivate', 'DELETE /v1/orgs/:org/integrations/:id',
    'POST /v1/orgs/:org/integrations/:id/numbers', 'GET /v1/orgs/:org/numbers', 'DELETE /v1/orgs/:org/numbers/:e164', 'GET /v1/orgs/:org/numbers/:e164/subscribers/:handset',
    'GET /v1/state', 'GET /v1/orgs/:org/integrations/:id/state', 'GET /v1/ipranges',
    'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json',
    'POST /v1/orgs/:org/tokens', 'GET /v1/orgs/:org/tokens', 'DELETE /v1/orgs/:org/tokens/:tokenId',
  ])('documents %s', (route) => {
    expect(doc).toContain(route);
  });
});
