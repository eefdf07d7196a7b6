// GET /openapi.json: an OpenAPI 3.1 description of the admin API, built from the routes fastify
// actually registered (an onRoute hook collects them) and the zod schemas that validate the bodies
// (zod 4's own JSON Schema output, which is the dialect OpenAPI 3.1 uses). A route without an entry
// in ROUTE_DOCS is listed as undocumented, and a test fails on it.
// Why not @fastify/swagger: it documents fastify's own route schemas, and our bodies are validated
// with zod inside the handlers (one error format for every origin, see server.ts).
import { z } from 'zod';
import type { IntegrationSchemas } from '../../config/index.js';
import { apiTokenCreateSchema, numberImportSchema } from '../../domain/index.js';
import { HTTP_ERROR_CODES } from './errors.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}

interface RouteDoc {
  summary: string;
  body?: (s: IntegrationSchemas) => z.ZodType;
  /** success status and what it returns */
  ok: [status: number, description: string];
}

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/orgs/:org/integrations': { summary: 'Create an integration (state inactive)', body: (s) => s.create, ok: [201, 'the integration, with its id'] },
  'GET /v1/orgs/:org/integrations': { summary: "List the org's integrations", ok: [200, '{ integrations: [...] }'] },
  'GET /v1/orgs/:org/integrations/:id': { summary: 'One integration: config (credentials never), state, binds, numbers', ok: [200, 'the integration'] },
  'PATCH /v1/orgs/:org/integrations/:id': { summary: 'Update config; an active integration rebinds', body: (s) => s.patch, ok: [200, 'the integration'] },
  'PUT /v1/orgs/:org/integrations/:id/credentials': { summary: 'Set system_id and password', body: (s) => s.credentials, ok: [200, 'the integration'] },
  'POST /v1/orgs/:org/integrations/:id/activate': { summary: 'Desired state active: bind and send', ok: [200, 'the integration'] },
  'POST /v1/orgs/:org/integrations/:id/deactivate': { summary: 'Desired state inactive: unbind; messages wait in JetStream', ok: [200, 'the integration'] },
  'DELETE /v1/orgs/:org/integrations/:id': { summary: 'Unbind, release numbers, erase config and credentials', ok: [204, 'erased (202: still unbinding)'] },
  'POST /v1/orgs/:org/integrations/:id/numbers': { summary: 'Import one sender number', body: () => numberImportSchema, ok: [201, 'the number'] },
  'GET /v1/orgs/:org/numbers': { summary: "The org's number inventory (?integration= to filter)", ok: [200, '{ numbers: [...] }'] },
  'GET /v1/orgs/:org/numbers/:e164': { summary: 'One number', ok: [200, 'the number'] },
  'GET /v1/orgs/:org/numbers/:e164/subscribers/:handset': {
    summary: "A handset's opt-in/opt-out state with this number and its keyword history", ok: [200, '{ sender, handset, state, history }'],
  },
  'DELETE /v1/orgs/:org/numbers/:e164': { summary: 'Release a number', ok: [204, 'released'] },
  'GET /v1/state': { summary: 'Live actor snapshots of every integration, across instances, and which instances answered', ok: [200, '{ integrations: [...], instances: [{ id, live, snapshotAgeMs }] }'] },
  'GET /v1/orgs/:org/integrations/:id/state': { summary: "One integration's live state: state, binds, counters, instance", ok: [200, 'the state'] },
  'GET /v1/ipranges': { summary: 'Egress addresses to allow-list at the vendor', ok: [200, '{ entities: [{ cidr, service }] }'] },
  'GET /healthz': { summary: 'Liveness', ok: [200, '{ status: "ok" }'] },
  'GET /readyz': { summary: 'Readiness: NATS connected and integrations reconciled (503 NOT_READY otherwise)', ok: [200, '{ status: "ready" }'] },
  'GET /metrics': { summary: 'Prometheus text exposition', ok: [200, 'metrics'] },
  'GET /openapi.json': { summary: 'This document', ok: [200, 'OpenAPI 3.1'] },
  'POST /v1/orgs/:org/tokens': { summary: 'Create an org-scoped API token (admin token only); the secret is in this answer only', body: () => apiTokenCreateSchema, ok: [201, '{ id, org, name, createdAt, token }'] },
  'GET /v1/orgs/:org/tokens': { summary: "The org's API tokens, without secrets (admin token only)", ok: [200, '{ tokens: [{ id, org, name, createdAt }] }'] },
  'DELETE /v1/orgs/:org/tokens/:tokenId': { summary: 'Revoke an org API token (admin token only)', ok: [204, 'revoked'] },
  'GET /v1/events/stream': {
    summary: 'Operational events as server-sent events (?org= &integration= &kind=integration|bind|number|subscriber &replay=N newest stored first)',
    ok: [200, 'text/event-stream: one `data:` line of event JSON per event'],
  },
  'GET /v1/orgs/:org/integrations/:id/messages/:messageId': {
    summary: "A message's timeline: each segment's submit_sm/submit_sm_resp (SMSC id, command_status), receipts, statuses (404 MESSAGE_NOT_FOUND)",
    ok: [200, '{ messageId, org, integration, timeline: [{ at, kind, segment?, smscMessageId?, commandStatus?, status?, detail? }] }'],
  },
  'GET /console': { summary: 'The web console (sign in with the API token)', ok: [200, 'HTML'] },
  'GET /console/assets/:file': { summary: "The console's own scripts and styles", ok: [200, 'file'] },
  'GET /console/vendor/:file': { summary: 'The libraries the console uses (preact, htm, dagre), served from node_modules', ok: [200, 'file'] },
  'POST /console/session': { summary: 'Console sign-in: { token } (the API token or an org token) → HttpOnly SameSite=Strict session cookie', ok: [200, '{ csrfToken, expiresAt, org }'] },
  'GET /console/session': { summary: "The console session's CSRF token (send it as x-csrf-token on state-changing requests)", ok: [200, '{ csrfToken, expiresAt, org }'] },
  'DELETE /console/session': { summary: 'Console sign-out: clears the session cookie', ok: [204, 'signed out'] },
  'GET /v1/console/machines': { summary: 'The XState machines (states, transitions) the console draws as statecharts', ok: [200, '{ machines: [...] }'] },
  'GET /v1/console/fleet': {
    summary: 'The engine instances (live, snapshot age), then every integration with its binds, window, queue depth, messages/s, last submit and receipt, numbers, failure causes (last hour)',
    ok: [200, '{ instance, instances: [{ id, live, snapshotAgeMs }], integrations: [...] }'],
  },
};

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(HTTP_ERROR_CODES) }, message: { type: 'string' }, details: {} },
    },
  },
};

const toJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

export function buildOpenApi(routes: readonly RegisteredRoute[], schemas: IntegrationSchemas, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const doc = ROUTE_DOCS[`${r.method} ${r.url}`];
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const body = doc?.body?.(schemas);
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: doc?.summary ?? '(undocumented)',
      ...(params.length ? { parameters: params } : {}),
      ...(r.public ? { security: [] } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(body) } } } } : {}),
      responses: {
        [String(doc?.ok[0] ?? 200)]: { description: doc?.ok[1] ?? 'success' },
        default: { description: 'error', content: { 'application/json': { schema: errorBody } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'byo-smpp admin API', version, description: 'See docs/api.md. Messages travel over NATS, not HTTP: see ARCHITECTURE.md §3.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
