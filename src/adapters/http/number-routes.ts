// Number inventory over HTTP: import one number into an integration, list an org's numbers, release
// one. Failures carry the reference's troubleshooting messages (src/domain/numbers.ts); the server
// registers this plugin behind auth and renders HttpError as { error: { code, message, details? } }.
import type { FastifyPluginAsync } from 'fastify';
import {
  type IntegrationStore, MSG_CHECK_INTEGRATION, newNumberRecord, parseNumberAddress, takenFailure, validateNumberImport, type NumberImportFailure, type NumberRecord, type NumberStore,
} from '../../domain/index.js';
import { HttpError } from './errors.js';
import { ID_PATTERN } from '../../config/index.js';

export interface NumberRoutesDeps {
  numbers: NumberStore;
  integrations: IntegrationStore;
  /** a number was claimed in state `provisioning`: the engine starts its actor */
  onImported?: (record: NumberRecord) => void;
  /** a number left the inventory: the engine stops its actor */
  onReleased?: (record: NumberRecord) => void;
  now?: () => Date;
  /** answers the list routes without reading every number from the store (the engine's number fleet, from its
   *  watch of byo_numbers, caught up first); default: the store */
  listed?: { byOrg(org: string): Promise<NumberRecord[]>; byIntegration(org: string, integration: string): Promise<NumberRecord[]> };
  /** a handset's compliance state with a sender number (KV byo_subscribers), undefined when it never texted a keyword */
  subscriber?: (sender: string, handset: string) => Promise<unknown>;
}

interface OrgParams { org: string }
interface IntegrationParams extends OrgParams { id: string }
interface NumberParams extends OrgParams { e164: string }

const toHttpError = (f: NumberImportFailure): HttpError =>
  new HttpError(f.code, f.message, f.details ? { issues: f.details } : f.holder ? { holder: f.holder } : undefined);

function checkOrg(org: string): void {
  if (!ID_PATTERN.test(org)) throw new HttpError('VALIDATION_FAILED', 'org must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
}

function numberKey(raw: string): string {
  const key = parseNumberAddress(raw);
  if (key === undefined) {
    throw new HttpError('VALIDATION_FAILED', 'the number must be E.164 (+15551234567, or %2B15551234567 in a URL), its digits, or a short code');
  }
  return key;
}

export function numberRoutes(deps: NumberRoutesDeps): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());

  return async (app) => {
    app.post<{ Params: IntegrationParams }>('/v1/orgs/:org/integrations/:id/numbers', async (req, reply) => {
      const { org, id } = req.params;
      checkOrg(org);
      // An id that cannot exist is the same user mistake as one that does not.
      if (!ID_PATTERN.test(id)) throw new HttpError('NUMBER_IMPORT_FAILED', MSG_CHECK_INTEGRATION);
      const integration = await deps.integrations.get(org, id);
      const integrationExists = integration !== undefined && integration.desired !== 'deleted';

      const result = validateNumberImport(req.body, { integrationExists, org });
      if (!result.ok) throw toHttpError(result);

      const record = newNumberRecord(result.number, { org, integration: id }, now().toISOString());
      // The claim is the authority on uniqueness: two orgs importing at once get one winner.
      const claim = await deps.numbers.claim(record);
      if (claim !== 'claimed') throw toHttpError(takenFailure(org, claim.takenBy, record.e164));

      deps.onImported?.(record);
      return reply.status(201).send(record);
    });

    app.get<{ Params: OrgParams; Querystring: { integration?: string } }>('/v1/orgs/:org/numbers', async (req) => {
      const { org } = req.params;
      checkOrg(org);
      const integration = req.query.integration;
      const listed = deps.listed ?? { byOrg: (o: string) => deps.numbers.listByOrg(o), byIntegration: (o: string, i: string) => deps.numbers.listByIntegration(o, i) };
      const numbers = integration === undefined ? await listed.byOrg(org) : await listed.byIntegration(org, integration);
      return { numbers };
    });

    app.get<{ Params: NumberParams }>('/v1/orgs/:org/numbers/:e164', async (req) => {
      const { org } = req.params;
      checkOrg(org);
      const record = await deps.numbers.get(numberKey(req.params.e164));
      // Another org's number is reported exactly like a missing one: inventories are private.
      if (!record || record.org !== org) throw notFound(req.params.e164);
      return record;
    });

    app.get<{ Params: NumberParams & { handset: string } }>('/v1/orgs/:org/numbers/:e164/subscribers/:handset', async (req) => {
      const { org, handset } = req.params;
      checkOrg(org);
      const record = await deps.numbers.get(numberKey(req.params.e164));
      if (!record || record.org !== org) throw notFound(req.params.e164);
      const digits = parseNumberAddress(handset);
      const phone = digits === undefined ? undefined : `+${digits}`;
      if (!phone) throw new HttpError('VALIDATION_FAILED', `handset "${handset}" is not a phone number (E.164, e.g. +447700900123)`);
      const state = deps.subscriber ? await deps.subscriber(record.e164, phone) : undefined;
      // never texted a keyword: subscribed, with no history
      return state ?? { sender: record.e164, handset: phone, state: 'subscribed', history: [] };
    });

    app.delete<{ Params: NumberParams }>('/v1/orgs/:org/numbers/:e164', async (req, reply) => {
      const { org } = req.params;
      checkOrg(org);
      // The org check rides on the release's compare-and-set: no window to purge another org's
      // number that was re-claimed between a read and the removal.
      const released = await deps.numbers.release(numberKey(req.params.e164), { org });
      if (!released) throw notFound(req.params.e164);
      deps.onReleased?.(released);
      return reply.status(204).send();
    });
  };
}

const notFound = (raw: string): HttpError => new HttpError('NOT_FOUND', `number ${raw} is not in this organization's inventory`);
