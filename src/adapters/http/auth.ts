// Who is calling, and may they use this route. Every route needs a principal unless it is declared
// `config: { public: true }` (healthz, readyz, metrics): deciding by the matched route rather than by
// the URL text means an encoded path (`/%761/state`) cannot slip past. Unknown paths outside /v1
// stay a plain 404.
//
// Two steps, kept apart so that another way of proving identity (the console's session cookie) can
// reuse the second: `resolvers` turn a request into a Principal (the admin token, an org token...),
// and `authorize` decides whether that principal may use the matched route. An org principal only
// reaches routes whose `:org` is its own; anything else answers 404 exactly like a missing resource,
// so it cannot learn which orgs or integrations exist.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiTokenSecretMatches, parseApiToken, type ApiTokenStore } from '../../domain/index.js';
import { HttpError } from './errors.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE, type ConsoleSessions } from './session.js';

export interface RouteAuthConfig {
  public?: boolean;
  /**
   * What an org-scoped principal may do here. Routes with an `:org` parameter default to 'allow'
   * (for its own org only); routes without one default to 'deny' (answered 404). 'admin' refuses an
   * org principal in its own org with 403 (token management); 'filter' lets it in and the handler
   * narrows the answer to its org (GET /v1/state).
   */
  orgPrincipal?: 'allow' | 'admin' | 'filter';
}

export type Principal =
  | { kind: 'admin' }
  | { kind: 'org'; org: string; tokenId: string };

/** Turns a request into a principal, or undefined when it proves nothing (the next resolver is tried). */
export type PrincipalResolver = (req: FastifyRequest) => Promise<Principal | undefined>;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

const bearerOf = (header: string | undefined): string => /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1] ?? '';

/** Both sides are hashed first, so the compare is constant-time whatever the lengths. */
export function tokenMatches(header: string | undefined, expected: string): boolean {
  const presented = bearerOf(header);
  // Compare even when nothing usable was presented, so a missing header costs the same time.
  const same = timingSafeEqual(digest(presented), digest(expected));
  return same && presented.length > 0;
}

/**
 * The principal a presented token proves: the admin token, or an org token (byotok_<id>_<secret>)
 * whose record in `tokens` still exists and whose secret matches. Used by the bearer check and by
 * the console's sign-in, so both accept exactly the same tokens.
 */
export async function principalForToken(token: string, adminToken: string, tokens: ApiTokenStore | undefined): Promise<Principal | undefined> {
  if (tokenMatches(`Bearer ${token}`, adminToken)) return { kind: 'admin' };
  const parsed = tokens ? parseApiToken(token) : undefined;
  if (!parsed || !tokens) return undefined;
  const record = await tokens.get(parsed.id);
  if (!record || !apiTokenSecretMatches(record, parsed.secret)) return undefined;
  return { kind: 'org', org: record.org, tokenId: record.id };
}

/** Authorization: Bearer <admin token> or Bearer byotok_<id>_<secret> (an org token from `tokens`). */
export function bearerResolver(adminToken: string, tokens: ApiTokenStore | undefined): PrincipalResolver {
  if (adminToken.length === 0) throw new Error('bearerResolver: an empty API token would let anyone in');
  return async (req) => principalForToken(bearerOf(req.headers.authorization), adminToken, tokens);
}

/**
 * A valid console session cookie stands in for the token it was signed in with: the admin token, or
 * an org token. An org session is checked against `tokens` on every request (the same one lookup a
 * bearer org token costs), so revoking the token ends its sessions at once; without a token store
 * an org session proves nothing. A state-changing method must also carry the session's CSRF token,
 * or it is refused outright.
 */
export function sessionResolver(sessions: ConsoleSessions, tokens?: ApiTokenStore): PrincipalResolver {
  return async (req) => {
    const session = readCookie(req.headers.cookie, SESSION_COOKIE);
    const subject = sessions.subject(session);
    if (!subject || session === undefined) return undefined;
    if (subject.kind === 'org') {
      const record = await tokens?.get(subject.tokenId);
      if (!record || record.org !== subject.org) return undefined;
    }
    if (sessions.csrfOk(req.method, session, req.headers[CSRF_HEADER])) return subject;
    throw new HttpError('CSRF_REJECTED', `a console session must send its CSRF token in ${CSRF_HEADER} for ${req.method}`);
  };
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The principal the access hook admitted for this request (undefined on public routes). */
export const principalOf = (req: FastifyRequest): Principal | undefined => principals.get(req);

/** The org an org principal is confined to, or undefined for the admin. */
export const orgScopeOf = (req: FastifyRequest): string | undefined => {
  const p = principals.get(req);
  return p?.kind === 'org' ? p.org : undefined;
};

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

/** Throws the answer a principal gets on a route it may not use; returns when it may. */
export function authorize(principal: Principal, req: FastifyRequest): void {
  if (principal.kind === 'admin') return;
  const config = req.routeOptions.config as RouteAuthConfig | undefined;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const path = (req.url.split('?', 1)[0] ?? '').slice(0, 200);
  const hidden = new HttpError('NOT_FOUND', `no route ${req.method} ${path}`);
  if (req.is404) throw hidden;
  if ('org' in params) {
    if (params.org !== principal.org) throw hidden;
    if (config?.orgPrincipal === 'admin') throw new HttpError('FORBIDDEN', 'an org token cannot use this route: it needs the admin token');
    return;
  }
  if (config?.orgPrincipal === 'filter' || config?.orgPrincipal === 'allow') return;
  throw hidden;
}

/** onRequest hook for the root instance, so plugins and the 404 handler are covered too. */
export function accessControl(resolvers: readonly PrincipalResolver[]) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const config = req.routeOptions.config as RouteAuthConfig | undefined;
    if (config?.public === true) return;
    if (req.is404 && !underV1(req.url)) return;
    for (const resolve of resolvers) {
      const principal = await resolve(req);
      if (!principal) continue;
      authorize(principal, req);
      principals.set(req, principal);
      return;
    }
    void reply.header('www-authenticate', 'Bearer realm="byo-smpp"');
    throw new HttpError('UNAUTHORIZED', 'missing or invalid bearer token: send Authorization: Bearer <BYO_API_TOKEN or an org token>');
  };
}
