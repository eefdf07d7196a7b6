// GET /v1/events/stream: operational events as server-sent events (text/event-stream), one
// `data:` line of JSON per event — the same object BYO_EVENTS stores. Filters by org, integration
// and actor kind; `replay=N` first sends up to N of the newest stored events of the last hour.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ID_PATTERN } from '../../config/index.js';
import { EVENT_KINDS, type EventKind } from '../../domain/index.js';
import { orgScopeOf, type RouteAuthConfig } from './auth.js';
import type { HttpDeps } from './deps.js';
import { HttpError } from './errors.js';

export const EVENT_REPLAY_MAX = 1000;
const REPLAY_WINDOW_MS = 3_600_000;
const DEFAULT_HEARTBEAT_MS = 15_000;

const querySchema = z.strictObject({
  org: z.string().regex(ID_PATTERN).optional(),
  integration: z.string().regex(ID_PATTERN).optional(),
  kind: z.enum(EVENT_KINDS as [EventKind, ...EventKind[]]).optional(),
  replay: z.coerce.number().int().min(0).max(EVENT_REPLAY_MAX).optional(),
});

export function registerEventStreamRoutes(app: FastifyInstance, deps: HttpDeps): void {
  // open streams never go idle: end them when the server closes, or close() would wait for the clients
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  // an org token sees its own org's events only: ?org= defaults to it, another org is not found
  app.get('/v1/events/stream', { config: { orgPrincipal: 'filter' } satisfies RouteAuthConfig }, async (req, reply) => {
    const asked = querySchema.parse(req.query ?? {});
    const scope = orgScopeOf(req);
    if (scope && asked.org !== undefined && asked.org !== scope) throw new HttpError('NOT_FOUND', `no events for org ${asked.org}`);
    const q = scope ? { ...asked, org: scope } : asked;
    if (q.integration && !q.org) throw new HttpError('BAD_REQUEST', 'integration needs org: ?org=<org>&integration=<id>');
    const events = deps.events;
    if (!events) throw new HttpError('NOT_READY', 'the event stream is not available on this server');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let live = true;
    const end = () => {
      if (!live) return;
      live = false;
      open.delete(end);
      clearInterval(heartbeat);
      subscription?.close();
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.sseHeartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    let subscription: { close(): void } | undefined;
    open.add(end);
    req.raw.on('close', end);
    try {
      const filter = { ...(q.org ? { org: q.org } : {}), ...(q.integration ? { integration: q.integration } : {}), ...(q.kind ? { kind: q.kind } : {}) };
      const sub = await events.subscribe(filter, { replay: q.replay ?? 0, replayMs: REPLAY_WINDOW_MS },
        (e) => live && res.write(`data: ${JSON.stringify(e)}\n\n`), () => end());
      if (live) subscription = sub;
      else sub.close();
    } catch (err) {
      req.log.warn({ err }, 'event stream subscription failed');
      if (live) res.write(`event: error\ndata: ${JSON.stringify({ code: 'INTERNAL', message: 'event stream failed' })}\n\n`);
      end();
    }
  });
}
