// Live actor snapshots as the engines publish them (across all instances). The integration's own
// record decides existence; the engine's snapshot only describes it.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './deps.js';
import type { IntegrationStateView } from '../../domain/index.js';
import { integrationParams, loadLive } from './integration-routes.js';

/** What GET .../state answers before any engine has reported on the integration. */
export type IntegrationStateResponse = Omit<IntegrationStateView, 'instance'> & { instance: string | null };

export function registerStateRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/v1/state', async () => ({ integrations: await deps.state.integrations() }));

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
