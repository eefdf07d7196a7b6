// Routes that take no body (DELETE, activate, deactivate) refuse one that says something: a body
// there is a client mistake (the wrong route, a misplaced payload), and ignoring it would carry out
// the action anyway. Absent, empty, `{}` and `null` stay accepted, since tools often send those.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export interface BodylessRouteConfig {
  /** the route reads no body; DELETE routes are bodyless without saying so */
  bodyless?: boolean;
}

const saysNothing = (body: unknown): boolean =>
  body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body as object).length === 0);

/** preValidation hook for the root instance */
export async function refuseUnexpectedBody(req: FastifyRequest): Promise<void> {
  const config = req.routeOptions.config as BodylessRouteConfig | undefined;
  if (req.method !== 'DELETE' && config?.bodyless !== true) return;
  if (saysNothing(req.body)) return;
  throw new HttpError('VALIDATION_FAILED', `${req.method} ${req.routeOptions.url ?? ''} takes no request body: send none (or {})`);
}
