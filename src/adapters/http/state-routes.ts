// Live actor snapshots as the engines publish them (across all instances). The integration's own
// record decides existence; the engine's snapshot only describes it.
import type { FastifyInstance } from 'fastify';
import { orgScopeOf, type RouteAuthConfig } from './auth.js';
import type { HttpDeps } from './deps.js';
import type { IntegrationStateView } from '../../domain/index.js';
import { integrationParams, loadLive } from './integration-routes.js';

/** What GET .../state answers before any engine has reported on the integration. */
export type IntegrationStateResponse = Omit<IntegrationStateView, 'instance'> & { instance: string | null };

export function registerStateRoutes(app: FastifyInstance, deps: HttpDeps): void {
  // an org token sees its own org's integrations only (src/adapters/http/auth.ts)
  app.get('/v1/state', { config: { orgPrincipal: 'filter' } satisfies RouteAuthConfig }, async (req) => {
    const org = orgScopeOf(req);
    // `instances`: which engines the answer is built from, and which did not answer (snapshot too old);
    // they carry no org data, so an org token sees them too
    const fleet = deps.state.fleet ? await deps.state.fleet() : { instances: undefined, integrations: await deps.state.integrations() };
    const all = fleet.integrations;
    return { integrations: org === undefined ? all : all.filter((s) => s.org === org), instances: fleet.instances };
  });

  app.get('/v1/orgs/:org/integrations/:id/state', async (req): Promise<IntegrationStateResponse> => {
    const { org, id } = integrationParams(req);
    const record = await loadLive(deps.store, org, id);
    const live = await deps.state.integration(org, id);
    return live ?? {
      org, id, state: 'inactive', desired: record.desired, since: record.updatedAt,
      binds: [], counters: {}, instance: null,
    };
  });
}
