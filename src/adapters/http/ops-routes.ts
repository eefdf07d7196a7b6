// Liveness, readiness and metrics stay open for probes and scrapers; ipranges is user data and
// sits behind the token like the rest of /v1.
import type { FastifyInstance } from 'fastify';
import type { RouteAuthConfig } from './auth.js';
import type { HttpDeps } from './deps.js';
import { HttpError } from './errors.js';

const open = { config: { public: true } satisfies RouteAuthConfig };
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const EGRESS_SERVICE = 'byo-smpp';

export function registerOpsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', open, async () => ({ status: 'ok' }));

  app.get('/readyz', open, async () => {
    if (!deps.isReady()) throw new HttpError('NOT_READY', 'not ready: waiting for NATS and the first reconcile of integrations');
    return { status: 'ready' };
  });

  app.get('/metrics', open, async (_req, reply) => {
    const text = await deps.metricsText();
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });

  // the addresses a customer allow-lists at its SMSC: the same for every org
  app.get('/v1/ipranges', { config: { orgPrincipal: 'allow' } satisfies RouteAuthConfig }, async () => ({
    entities: deps.egressCidrs.map((cidr) => ({ cidr, service: EGRESS_SERVICE })),
  }));
}
