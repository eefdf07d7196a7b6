// The admin API: one fastify instance, not listening (main.ts calls listen). Errors of every
// origin (our HttpError, zod, the store, fastify's own) leave as { error: { code, message, details? } };
// anything unexpected is logged and answered 500 INTERNAL without a stack.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeIssues, LOG_REDACT_PATHS } from '../../config/index.js';
import { StoreConflictError, StoreNotFoundError } from '../../domain/index.js';
import { accessControl, bearerResolver, sessionResolver, type RouteAuthConfig } from './auth.js';
import { buildOpenApi, type RegisteredRoute } from './openapi.js';
import type { HttpDeps } from './deps.js';
import { HttpError } from './errors.js';
import { registerIntegrationRoutes } from './integration-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { registerStateRoutes } from './state-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerEventStreamRoutes } from './event-stream-routes.js';
import { registerTraceRoutes } from './trace-routes.js';
import { refuseUnexpectedBody } from './no-body.js';

export const BODY_LIMIT_BYTES = 256 * 1024;
/** the admin API's version in /openapi.json: the /v1 contract */
export const API_VERSION = '1.0.0';

/**
 * Secrets never reach a log line; bodies are never logged at all, these paths are the backstop.
 * A child's redact list replaces its parent's, so the process-wide list is repeated here.
 */
export const REDACT_PATHS = [...new Set([
  ...LOG_REDACT_PATHS,
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  'password', '*.password', '*.*.password', '*.*.*.password',
  'credentials', '*.credentials', '*.*.credentials',
  'body', 'req.body', 'apiToken', '*.apiToken',
])];

const FASTIFY_CODES: Partial<Record<string, () => HttpError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new HttpError('INVALID_JSON', 'request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new HttpError('INVALID_JSON', 'request body is empty but Content-Type says application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new HttpError('PAYLOAD_TOO_LARGE', `request body exceeds ${BODY_LIMIT_BYTES / 1024} KiB`),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new HttpError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be sent as Content-Type: application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new HttpError('BAD_REQUEST', 'request body size did not match Content-Length'),
};

/** Maps any thrown value to a catalogued error; undefined means "unexpected" (500). */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof z.ZodError) {
    const { message, details } = describeIssues(err);
    return new HttpError('VALIDATION_FAILED', message, details);
  }
  if (err instanceof StoreNotFoundError) return new HttpError('NOT_FOUND', err.message);
  const fe = err as Partial<FastifyError> | null;
  // StoreConflictError, or the KV store giving up its compare-and-set loop (CAS_CONTENTION)
  if (err instanceof StoreConflictError || fe?.code === 'CAS_CONTENTION') {
    return new HttpError('CONFLICT', `${fe?.message ?? 'conflict'}: the integration changed concurrently, retry`);
  }
  const mapped = typeof fe?.code === 'string' ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return mapped();
  // Other client errors fastify raises itself (bad URL, header limits) carry safe messages.
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 404) return new HttpError('NOT_FOUND', fe.message ?? 'not found');
    return new HttpError('BAD_REQUEST', fe.message ?? 'bad request');
  }
  return undefined;
}

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  const logger = deps.logger.child({ component: 'http' }, { redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).code(400).send(new HttpError('BAD_REQUEST', err.message).toBody());
    },
  }) as unknown as FastifyInstance;

  // JSON only: text/plain and anything else is 415. An empty body is allowed so that
  // `POST .../activate` works with or without a Content-Type header.
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body.length === 0) return done(null, undefined);
    json(req, body as string, done);
  });

  app.setErrorHandler((err, req, reply) => {
    const known = toHttpError(err);
    if (!known) {
      req.log.error({ err }, 'request failed unexpectedly');
      return reply.code(500).send(new HttpError('INTERNAL', `internal error (request ${req.id})`).toBody());
    }
    if (known.status >= 500) req.log.warn({ code: known.code }, known.message);
    else req.log.info({ code: known.code, status: known.status }, 'request rejected');
    return reply.code(known.status).send(known.toBody());
  });

  app.setNotFoundHandler((req, reply) => {
    const path = (req.url.split('?', 1)[0] ?? '').slice(0, 200);
    return reply.code(404).send(new HttpError('NOT_FOUND', `no route ${req.method} ${path}`).toBody());
  });

  app.addHook('preValidation', refuseUnexpectedBody);
  app.addHook('onRequest', accessControl([
    bearerResolver(deps.apiToken, deps.tokens),
    ...(deps.sessions ? [sessionResolver(deps.sessions, deps.tokens)] : []),
    ...(deps.principalResolvers ?? []),
  ]));
  // every route as registered, for /openapi.json (plugins included: they register later)
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: r.url, public: (r.config as RouteAuthConfig | undefined)?.public === true });
    }
  });
  let openapi: Record<string, unknown> | undefined;
  app.get('/openapi.json', { config: { public: true } satisfies RouteAuthConfig }, async () => (openapi ??= buildOpenApi(routes, deps.schemas, API_VERSION)));
  registerOpsRoutes(app, deps);
  registerIntegrationRoutes(app, deps);
  registerStateRoutes(app, deps);
  if (deps.tokens) registerTokenRoutes(app, deps.tokens, deps.now);
  registerEventStreamRoutes(app, deps);
  registerTraceRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) void app.register(plugin);
  return app;
}
