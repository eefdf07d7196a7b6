// The web console as a fastify plugin registered on the admin API (engine.ts wires it): the page and
// its scripts (public/ and a few files of preact, htm and dagre from node_modules; no CDN), sign-in
// and sign-out, and the two read routes only the console uses (machines, fleet). Every route here
// except the page, its files and the sign-in itself needs the token or a console session. Signing in
// with an org token gives a session confined to that org, exactly like the token itself: the fleet
// lists that org's integrations only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  HttpError, orgScopeOf, principalForToken, readCookie, SESSION_COOKIE, type ConsoleSessions, type RouteAuthConfig, type SessionSubject,
} from '../adapters/http/index.js';
import type { ApiTokenStore } from '../domain/index.js';
import { allCharts } from './machines.js';
import { fleetPage, type FleetDeps } from './fleet.js';

export interface ConsoleDeps extends FleetDeps {
  apiToken: string;
  sessions: ConsoleSessions;
  /** org tokens that may sign in too; without it only the admin token can */
  tokens?: ApiTokenStore;
}

const require = createRequire(import.meta.url);
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const PUBLIC_FILES = new Set(['app.js', 'api.js', 'fleet.js', 'integration.js', 'statechart.js', 'lookups.js', 'style.css']);
/** the only files served from node_modules: name in the URL → [directory, file] */
const VENDOR_FILES: Record<string, [string, string]> = {
  'preact.mjs': [dirname(require.resolve('preact')), 'preact.mjs'],
  'hooks.mjs': [dirname(require.resolve('preact/hooks')), 'hooks.mjs'],
  'htm.mjs': [dirname(require.resolve('htm')), 'htm.mjs'],
  'dagre.min.js': [join(dirname(require.resolve('@dagrejs/dagre')), 'dist'), 'dagre.min.js'],
};

const PUBLIC: { config: RouteAuthConfig } = { config: { public: true } };
const signInSchema = z.strictObject({ token: z.string().min(1).max(1024) });
/** what the page is told about its session: the org it is confined to, or null for the admin */
const sessionBody = (sessions: ConsoleSessions, value: string, subject: SessionSubject) =>
  ({ csrfToken: sessions.csrfToken(value), expiresAt: sessions.expiresAt(value), org: subject.kind === 'org' ? subject.org : null });

/** index.html with a CSP that allows only our own files and the page's one inline import map (by hash) */
function loadPage(): { html: string; csp: string } {
  const html = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  const csp = [
    "default-src 'self'", `script-src 'self' 'sha256-${hash}'`, "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
  ].join('; ');
  return { html, csp };
}

const secure = (req: FastifyRequest) => req.protocol === 'https';
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

export function consolePlugin(deps: ConsoleDeps): FastifyPluginAsync {
  const page = loadPage();
  return async (app: FastifyInstance) => {
    await app.register(fastifyStatic, { root: PUBLIC_DIR, serve: false });

    app.get('/console', PUBLIC, async (_req, reply) =>
      noStore(reply).header('content-security-policy', page.csp).header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(page.html));
    app.get('/console/assets/:file', PUBLIC, async (req, reply) => {
      const file = (req.params as { file: string }).file;
      if (!PUBLIC_FILES.has(file)) throw new HttpError('NOT_FOUND', `no console file ${file.slice(0, 100)}`);
      return noStore(reply).sendFile(file, PUBLIC_DIR);
    });
    app.get('/console/vendor/:file', PUBLIC, async (req, reply) => {
      const entry = VENDOR_FILES[(req.params as { file: string }).file];
      if (!entry) throw new HttpError('NOT_FOUND', 'no such console library file');
      return reply.sendFile(entry[1], entry[0]);
    });

    app.post('/console/session', PUBLIC, async (req, reply) => {
      const parsed = signInSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new HttpError('VALIDATION_FAILED', 'send { "token": "<BYO_API_TOKEN or an org token>" } as JSON');
      const subject = await principalForToken(parsed.data.token, deps.apiToken, deps.tokens);
      if (!subject) {
        req.log.warn({ ip: req.ip }, 'console sign-in refused: neither the API token nor an org token');
        throw new HttpError('UNAUTHORIZED', 'wrong token: sign in with BYO_API_TOKEN or an org token');
      }
      const session = deps.sessions.issue(subject);
      req.log.info({ ip: req.ip, ...(subject.kind === 'org' ? { org: subject.org, tokenId: subject.tokenId } : {}) }, 'console sign-in');
      return noStore(reply).header('set-cookie', deps.sessions.setCookie(session.value, secure(req)))
        .send(sessionBody(deps.sessions, session.value, subject));
    });
    // behind the auth hook: the cookie (or the token) is checked before these run; an org session
    // reads and ends its own session like the admin's
    const OWN_SESSION: { config: RouteAuthConfig } = { config: { orgPrincipal: 'allow' } };
    app.get('/console/session', OWN_SESSION, async (req, reply) => {
      const value = readCookie(req.headers.cookie, SESSION_COOKIE);
      const subject = deps.sessions.subject(value);
      if (!subject || value === undefined) throw new HttpError('UNAUTHORIZED', 'no console session: sign in with the API token or an org token');
      return noStore(reply).send(sessionBody(deps.sessions, value, subject));
    });
    app.delete('/console/session', OWN_SESSION, async (req, reply) => {
      await noStore(reply).code(204).header('set-cookie', deps.sessions.clearCookie(secure(req))).send();
    });

    const charts = allCharts();
    // the charts are the same for everyone; the fleet is narrowed to an org principal's own org
    app.get('/v1/console/machines', { config: { orgPrincipal: 'allow' } satisfies RouteAuthConfig }, async () => ({ machines: charts }));
    app.get('/v1/console/fleet', { config: { orgPrincipal: 'filter' } satisfies RouteAuthConfig }, async (req) =>
      ({ instance: deps.instanceId, ...(await fleetPage(deps, orgScopeOf(req))) }));
  };
}
