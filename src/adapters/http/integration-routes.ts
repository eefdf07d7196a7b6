// CRUD and desired state of integrations. The API only writes config and the desired flag to the
// store; the engine that owns the integration reconciles (ARCHITECTURE.md §1). Every write goes
// through store.update (compare-and-set) and every check that could reject runs inside the mutate
// callback or before it, so a rejected request leaves the store untouched.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeIssues, type IntegrationConfig, ID_PATTERN } from '../../config/index.js';
import { credentialsAad, StoreNotFoundError, type IntegrationRecord, type IntegrationStore, type IntegrationStateView } from '../../domain/index.js';
import type { HttpDeps } from './deps.js';
import { HttpError } from './errors.js';
import type { BodylessRouteConfig } from './no-body.js';

const DELETE_POLL_MS = 50;

/** zod at the HTTP boundary: a failure names each field and what it accepts. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const { message, details } = describeIssues(result.error);
  throw new HttpError('VALIDATION_FAILED', message, details);
}

function checkId(name: string, value: unknown): string {
  if (typeof value === 'string' && ID_PATTERN.test(value)) return value;
  // Same code and wording as the numbers routes, so clients handle one kind of id error.
  throw new HttpError('VALIDATION_FAILED', `${name} must be 1-64 characters of A-Z, a-z, 0-9, _ or -`,
    [{ path: name, message: `${name} must match ${ID_PATTERN.source}` }]);
}

export function orgParam(req: FastifyRequest): string {
  return checkId('org', (req.params as Record<string, unknown>).org);
}

export function integrationParams(req: FastifyRequest): { org: string; id: string } {
  const params = req.params as Record<string, unknown>;
  return { org: checkId('org', params.org), id: checkId('id', params.id) };
}

export const notFound = (org: string, id: string): HttpError =>
  new HttpError('NOT_FOUND', `integration ${id} not found in org ${org}`);

/** A record on its way out (desired 'deleted') is already gone as far as users are concerned. */
export function assertLive(record: IntegrationRecord | undefined, org: string, id: string): IntegrationRecord {
  if (!record || record.desired === 'deleted') throw notFound(org, id);
  return record;
}

export async function loadLive(store: IntegrationStore, org: string, id: string): Promise<IntegrationRecord> {
  return assertLive(await store.get(org, id), org, id);
}

/** store.update that reports a vanished record as this route's 404. */
export async function updateLive(store: IntegrationStore, org: string, id: string,
  mutate: (current: IntegrationRecord) => IntegrationRecord): Promise<IntegrationRecord> {
  try {
    return await store.update(org, id, mutate);
  } catch (err) {
    if (err instanceof StoreNotFoundError) throw notFound(org, id);
    throw err;
  }
}

export type IntegrationView = IntegrationConfig & {
  id: string;
  org: string;
  credentials: { systemId: string; passwordSet: true } | null;
  desired: IntegrationRecord['desired'];
  state: string;
  binds: IntegrationStateView['binds'];
  numbers?: unknown[];
  configRevision: number;
  createdAt: string;
  updatedAt: string;
};

/** Never the password or its ciphertext: only the system id and the fact that a password is set. */
export function integrationView(record: IntegrationRecord, live: IntegrationStateView | undefined | null, numbers?: unknown[]): IntegrationView {
  return {
    id: record.id,
    org: record.org,
    ...(record.config as IntegrationConfig),
    credentials: record.credentials ? { systemId: record.credentials.systemId, passwordSet: true } : null,
    desired: record.desired,
    // null: the state view could not be read; undefined: the engine has nothing for it yet
    state: live === null ? 'unknown' : (live?.state ?? 'inactive'),
    binds: live?.binds ?? [],
    ...(numbers ? { numbers } : {}),
    configRevision: record.configRevision,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Live state and numbers decorate the view; failing to read them must not fail a config call. */
async function tolerant<T>(log: FastifyBaseLogger, what: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    log.warn({ err }, `could not read ${what} for the integration view`);
    return null;
  }
}

export function registerIntegrationRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { store, schemas, secrets, state } = deps;
  const now = deps.now ?? (() => new Date());
  const stamp = (): string => now().toISOString();
  const aad = credentialsAad;
  const base = '/v1/orgs/:org/integrations';

  async function viewOne(req: FastifyRequest, record: IntegrationRecord): Promise<IntegrationView> {
    const [live, numbers] = await Promise.all([
      tolerant(req.log, 'state', () => state.integration(record.org, record.id)),
      deps.numbersOf ? tolerant(req.log, 'numbers', () => deps.numbersOf!(record.org, record.id)) : undefined,
    ]);
    return integrationView(record, live, numbers ?? undefined);
  }

  app.post(base, async (req, reply) => {
    const org = orgParam(req);
    const { credentials, ...config } = parseBody(schemas.create, req.body);
    const id = randomUUID();
    const at = stamp();
    const record: IntegrationRecord = {
      version: 1, org, id, config,
      ...(credentials ? { credentials: secrets.seal(credentials, aad(org, id)) } : {}),
      desired: 'inactive', configRevision: 1, createdAt: at, updatedAt: at,
    };
    await store.create(record);
    req.log.info({ org, integration: id }, 'integration created');
    // Built without asking the engine: nothing can be running for an id minted a moment ago.
    return reply.code(201).send(integrationView(record, undefined, deps.numbersOf ? [] : undefined));
  });

  app.get(base, async (req) => {
    const org = orgParam(req);
    const records = (await store.list(org)).filter((r) => r.desired !== 'deleted')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const lives = await tolerant(req.log, 'state', () => state.integrations());
    const byKey = new Map((lives ?? []).map((s) => [`${s.org}.${s.id}`, s]));
    return { integrations: records.map((r) => integrationView(r, lives === null ? null : byKey.get(`${r.org}.${r.id}`))) };
  });

  app.get(`${base}/:id`, async (req) => {
    const { org, id } = integrationParams(req);
    return viewOne(req, await loadLive(store, org, id));
  });

  app.patch(`${base}/:id`, async (req) => {
    const { org, id } = integrationParams(req);
    const { credentials, ...changes } = parseBody(schemas.patch, req.body);
    const sealed = credentials ? secrets.seal(credentials, aad(org, id)) : undefined;
    const updated = await updateLive(store, org, id, (current) => {
      assertLive(current, org, id);
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      // Top-level fields replace; the merged result must pass the create schema (plaintext rules,
      // operator ports) so the store only ever holds a config the engine can run.
      const { credentials: _none, ...config } = parseBody(schemas.create, { ...current.config, ...defined });
      if (!sealed && JSON.stringify(config) === JSON.stringify(current.config)) return current;
      return {
        ...current, config, ...(sealed ? { credentials: sealed } : {}),
        configRevision: current.configRevision + 1, updatedAt: stamp(),
      };
    });
    req.log.info({ org, integration: id, configRevision: updated.configRevision }, 'integration updated');
    return viewOne(req, updated);
  });

  app.put(`${base}/:id/credentials`, async (req) => {
    const { org, id } = integrationParams(req);
    const sealed = secrets.seal(parseBody(schemas.credentials, req.body), aad(org, id));
    const updated = await updateLive(store, org, id, (current) => ({
      ...assertLive(current, org, id), credentials: sealed,
      configRevision: current.configRevision + 1, updatedAt: stamp(),
    }));
    req.log.info({ org, integration: id, configRevision: updated.configRevision }, 'integration credentials replaced');
    return viewOne(req, updated);
  });

  for (const [action, desired] of [['activate', 'active'], ['deactivate', 'inactive']] as const) {
    app.post(`${base}/:id/${action}`, { config: { bodyless: true } satisfies BodylessRouteConfig }, async (req) => {
      const { org, id } = integrationParams(req);
      const updated = await updateLive(store, org, id, (current) => {
        assertLive(current, org, id);
        if (desired === 'active' && !current.credentials) {
          throw new HttpError('CREDENTIALS_MISSING',
            `integration ${id} has no credentials: PUT ${base.replace(':org', org)}/${id}/credentials with { systemId, password } before activating`);
        }
        if (current.desired === desired) return current;
        return { ...current, desired, updatedAt: stamp() };
      });
      req.log.info({ org, integration: id, desired }, `integration ${action}d`);
      return viewOne(req, updated);
    });
  }

  app.delete(`${base}/:id`, async (req, reply) => {
    const { org, id } = integrationParams(req);
    // A repeated DELETE while the engine is still erasing just waits again.
    await updateLive(store, org, id, (current) =>
      current.desired === 'deleted' ? current : { ...current, desired: 'deleted', updatedAt: stamp() });
    req.log.info({ org, integration: id }, 'integration deletion requested');
    if (await waitUntilGone(store, org, id, deps.deleteWaitMs)) return reply.code(204).send();
    return reply.code(202).send({ id, org, state: 'deleting' });
  });
}

/** The owning engine unbinds, releases numbers and purges the key; poll until it has (bounded). */
async function waitUntilGone(store: IntegrationStore, org: string, id: string, waitMs: number): Promise<boolean> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    if (!(await store.get(org, id))) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await delay(Math.min(DELETE_POLL_MS, left));
  }
}
