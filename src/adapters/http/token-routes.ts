// Org-scoped API tokens, managed with the admin token only: create (the secret is in this one
// answer and nowhere else), list (never a secret or its hash), revoke. An org token calling these
// in its own org gets 403; in another org, 404 like every route outside its org (src/adapters/http/auth.ts).
import type { FastifyInstance } from 'fastify';
import { apiTokenCreateSchema, apiTokenView, mintApiToken, type ApiTokenStore } from '../../domain/index.js';
import type { RouteAuthConfig } from './auth.js';
import { HttpError } from './errors.js';
import { orgParam, parseBody } from './integration-routes.js';

const adminOnly = { config: { orgPrincipal: 'admin' } satisfies RouteAuthConfig };
const TOKEN_ID = /^[a-f0-9]{24}$/;

export function registerTokenRoutes(app: FastifyInstance, tokens: ApiTokenStore, now: () => Date = () => new Date()): void {
  const base = '/v1/orgs/:org/tokens';

  app.post(base, adminOnly, async (req, reply) => {
    const org = orgParam(req);
    const body = parseBody(apiTokenCreateSchema, req.body);
    const { record, token } = mintApiToken(org, body?.name ?? 'unnamed', now());
    await tokens.create(record);
    req.log.info({ org, tokenId: record.id }, 'org API token created');
    return reply.code(201).send({ ...apiTokenView(record), token });
  });

  app.get(base, adminOnly, async (req) => {
    const org = orgParam(req);
    const list = (await tokens.listByOrg(org)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return { tokens: list.map(apiTokenView) };
  });

  app.delete(`${base}/:tokenId`, adminOnly, async (req, reply) => {
    const org = orgParam(req);
    const { tokenId } = req.params as Record<string, unknown>;
    const missing = new HttpError('NOT_FOUND', `token ${String(tokenId).slice(0, 64)} not found in org ${org}`);
    if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) throw missing;
    if (!(await tokens.revoke(org, tokenId))) throw missing;
    req.log.info({ org, tokenId }, 'org API token revoked');
    return reply.code(204).send();
  });
}
