// Front door of the HTTP adapter: main.ts and route plugins (numbers) import from here only.
export { buildHttpServer, toHttpError, BODY_LIMIT_BYTES } from './server.js';
export type { HttpDeps, StateView, IntegrationStateView, BindStateView } from './deps.js';
export { HttpError, HTTP_ERROR_CODES, type HttpErrorCode } from './errors.js';
export {
  tokenMatches, accessControl, authorize, bearerResolver, principalOf, orgScopeOf, principalForToken,
  type RouteAuthConfig, type Principal, type PrincipalResolver,
} from './auth.js';
export { registerTokenRoutes } from './token-routes.js';
export {
  parseBody, orgParam, integrationParams, loadLive, assertLive, updateLive, notFound, integrationView,
  type IntegrationView,
} from './integration-routes.js';
export type { IntegrationStateResponse } from './state-routes.js';
export * from './number-routes.js';
export * from './openapi.js';
export * from './ops-routes.js';
export { ConsoleSessions, readCookie, SESSION_COOKIE, CSRF_HEADER, type IssuedSession, type SessionSubject } from './session.js';
