// GET /v1/orgs/:org/integrations/:id/messages/:messageId: one outbound message's timeline (the
// MessageTraceSource port; engine.ts wires the NATS implementation).
import type { FastifyInstance } from 'fastify';
import type { MessageTrace } from '../../domain/index.js';
import type { HttpDeps } from './deps.js';
import { HttpError } from './errors.js';
import { integrationParams, loadLive } from './integration-routes.js';

const MESSAGE_ID_MAX = 128;

export function registerTraceRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/v1/orgs/:org/integrations/:id/messages/:messageId', async (req): Promise<MessageTrace> => {
    const { org, id } = integrationParams(req);
    const messageId = (req.params as { messageId?: unknown }).messageId;
    if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > MESSAGE_ID_MAX) {
      throw new HttpError('VALIDATION_FAILED', `messageId must be 1-${MESSAGE_ID_MAX} characters (the "id" the message was published with)`);
    }
    await loadLive(deps.store, org, id);
    if (!deps.traces) throw new HttpError('NOT_READY', 'message traces are not available on this server');
    const trace = await deps.traces.trace(org, id, messageId);
    if (!trace) {
      throw new HttpError('MESSAGE_NOT_FOUND',
        `no message "${messageId}" on integration ${id} of org ${org}: neither its tracking record nor a status is kept (never published here, still queued, or older than the retention)`);
    }
    return trace;
  });
}
