// Bearer-token check. Every route needs the token unless it is declared `config: { public: true }`
// (healthz, readyz, metrics): deciding by the matched route rather than by the URL text means an
// encoded path (`/%761/state`) cannot slip past. Unknown paths outside /v1 stay a plain 404.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE, type ConsoleSessions } from './session.js';

export interface RouteAuthConfig {
  public?: boolean;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Both sides are hashed first, so the compare is constant-time whatever the lengths. */
export function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const presented = m?.[1] ?? '';
  // Compare even when nothing usable was presented, so a missing header costs the same time.
  const same = timingSafeEqual(digest(presented), digest(expected));
  return same && presented.length > 0;
}

function underV1(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true; // undecodable: treat as protected
  }
  return /^\/+v1(\/|$)/i.test(decoded);
}

/**
 * onRequest hook for the root instance, so plugins and the 404 handler are covered too. With
 * `sessions`, a valid console session cookie stands in for the token (plus its CSRF token on
 * state-changing methods).
 */
export function bearerAuth(apiToken: string, sessions?: ConsoleSessions) {
  if (apiToken.length === 0) throw new Error('bearerAuth: an empty API token would let anyone in');
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const config = req.routeOptions.config as RouteAuthConfig | undefined;
    if (config?.public === true) return;
    if (req.is404 && !underV1(req.url)) return;
    if (tokenMatches(req.headers.authorization, apiToken)) return;
    const session = sessions && readCookie(req.headers.cookie, SESSION_COOKIE);
    if (sessions?.valid(session)) {
      if (sessions.csrfOk(req.method, session, req.headers[CSRF_HEADER])) return;
      throw new HttpError('CSRF_REJECTED', `a console session must send its CSRF token in ${CSRF_HEADER} for ${req.method}`);
    }
    void reply.header('www-authenticate', 'Bearer realm="byo-smpp"');
    throw new HttpError('UNAUTHORIZED', 'missing or invalid bearer token: send Authorization: Bearer <BYO_API_TOKEN>');
  };
}
