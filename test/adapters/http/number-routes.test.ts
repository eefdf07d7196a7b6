import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapters/http/errors.js';
import { numberRoutes } from '../../../src/adapters/http/number-routes.js';
import type { IntegrationRecord } from '../../../src/domain/integration-record.js';
import { DEFAULT_KEYWORDS, type KeywordSet } from '../../../src/domain/keywords.js';
import {
  MSG_CHECK_COUNTRY_CODE, MSG_CHECK_INTEGRATION, MSG_CHECK_SENDER_ID_TYPE, MSG_COMPLIANCE_REQUIRED,
  MSG_NUMBER_UNAVAILABLE, MSG_PROVISIONING_IN_PROGRESS, type NumberRecord,
} from '../../../src/domain/numbers.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';
import { createMemoryNumberStore, type MemoryNumberStore } from '../../helpers/memory-number-store.js';

const AT = '2026-03-01T12:00:00.000Z';
const shortCodeKeywords: KeywordSet = {
  help: { keywords: ['HELP'], message: 'Acme alerts. Reply STOP to stop.' },
  optOut: { keywords: ['STOP'], message: 'You are unsubscribed.' },
  optIn: { keywords: ['START'], message: 'You are subscribed again.' },
};

let app: FastifyInstance;
let numbers: MemoryNumberStore;
let integrations: MemoryIntegrationStore;
let imported: NumberRecord[];
let released: NumberRecord[];

const integration = (org: string, id: string, desired: IntegrationRecord['desired'] = 'inactive'): IntegrationRecord => ({
  version: 1, org, id, config: { name: id }, desired, configRevision: 1, createdAt: AT, updatedAt: AT,
});

beforeEach(async () => {
  numbers = createMemoryNumberStore({ now: () => new Date(AT) });
  integrations = new MemoryIntegrationStore();
  await integrations.create(integration('acme', 'smsc1'));
  await integrations.create(integration('acme', 'gone', 'deleted'));
  await integrations.create(integration('globex', 'smsc1', 'active'));
  imported = [];
  released = [];
  // Stand-in for the real server's error rendering, so these tests depend on the plugin alone.
  app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).send(err.toBody());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status < 500 ? 400 : 500).send({ error: { code: 'VALIDATION_FAILED', message: (err as Error).message } });
  });
  await app.register(numberRoutes({
    numbers, integrations, now: () => new Date(AT),
    onImported: (r) => imported.push(r), onReleased: (r) => released.push(r),
    subscriber: async (sender, handset) => (sender === '+14155552671' && handset === '+447700900123'
      ? { sender, handset, state: 'optedOut', history: [{ keyword: 'optOut', at: AT, moId: 'mo-1' }], updatedAt: AT } : undefined),
  }));
  await app.ready();
});

afterEach(async () => {
  await app.close();
});

const importNumber = (body: unknown, org = 'acme', id = 'smsc1') =>
  app.inject({ method: 'POST', url: `/v1/orgs/${org}/integrations/${id}/numbers`, payload: body as object });

describe('POST /v1/orgs/:org/integrations/:id/numbers', () => {
  it('imports a long code with the default keywords, state provisioning', async () => {
    const res = await importNumber({ type: 'local', senderId: '+14155552671' });
    expect(res.statusCode).toBe(201);
    const expected = {
      version: 1, e164: '+14155552671', org: 'acme', integration: 'smsc1', type: 'local', country: 'US',
      keywords: DEFAULT_KEYWORDS, state: 'provisioning', createdAt: AT, updatedAt: AT,
    };
    expect(res.json()).toEqual(expected);
    expect(imported).toEqual([expected]);
    expect(await numbers.get('+14155552671')).toEqual(expected);
  });

  it('imports a short code with its country and keywords', async () => {
    const res = await importNumber({ type: 'shortcode', senderId: '12345', country: 'US', keywords: shortCodeKeywords });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ e164: '12345', type: 'shortcode', country: 'US', keywords: shortCodeKeywords });
  });

  it.each([
    ['a missing integration', 'acme', 'nope', { type: 'local', senderId: '+14155552671' }, MSG_CHECK_INTEGRATION],
    ['a deleted integration', 'acme', 'gone', { type: 'local', senderId: '+14155552671' }, MSG_CHECK_INTEGRATION],
    ['another org\'s integration', 'initech', 'smsc1', { type: 'local', senderId: '+14155552671' }, MSG_CHECK_INTEGRATION],
    ['an id that cannot exist', 'acme', 'bad.id', { type: 'local', senderId: '+14155552671' }, MSG_CHECK_INTEGRATION],
    ['a short code without keywords', 'acme', 'smsc1', { type: 'shortcode', senderId: '12345', country: 'US' }, MSG_COMPLIANCE_REQUIRED],
    ['an alphanumeric sender ID', 'acme', 'smsc1', { type: 'local', senderId: 'ACME' }, MSG_CHECK_SENDER_ID_TYPE],
    ['a mismatched country', 'acme', 'smsc1', { type: 'local', senderId: '+14155552671', country: 'GB' }, MSG_CHECK_COUNTRY_CODE],
  ])('refuses %s with 400 and the reference message', async (_name, org, id, body, message) => {
    const res = await importNumber(body, org, id);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'NUMBER_IMPORT_FAILED', message } });
    expect(numbers.records.size).toBe(0);
    expect(imported).toEqual([]);
  });

  it('answers a re-submission from the same org with 409 in progress, before and after provisioning', async () => {
    expect((await importNumber({ type: 'local', senderId: '+14155552671' })).statusCode).toBe(201);
    const again = await importNumber({ type: 'local', senderId: '+14155552671' });
    expect(again.statusCode).toBe(409);
    // the reference's sentence, then which integration holds it and how to release it
    expect(again.json()).toEqual({ error: {
      code: 'NUMBER_PROVISIONING_IN_PROGRESS',
      message: `${MSG_PROVISIONING_IN_PROGRESS} It is held by integration smsc1 (number state: provisioning); to move it, release it first: `
        + 'DELETE /v1/orgs/acme/numbers/%2B14155552671 (byo-smpp numbers release --org acme +14155552671), then import it again.',
      details: { holder: { integration: 'smsc1', state: 'provisioning' } },
    } });
    await numbers.setState('+14155552671', 'active');
    expect((await importNumber({ type: 'local', senderId: '+14155552671' })).json().error.code).toBe('NUMBER_PROVISIONING_IN_PROGRESS');
  });

  it('answers another org with 409 not available', async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    const res = await importNumber({ type: 'local', senderId: '+14155552671' }, 'globex', 'smsc1');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'NUMBER_UNAVAILABLE', message: MSG_NUMBER_UNAVAILABLE } });
    expect((await numbers.get('+14155552671'))?.org).toBe('acme');
  });

  it('gives one of two concurrent imports from different orgs the number', async () => {
    const [a, b] = await Promise.all([
      importNumber({ type: 'local', senderId: '+14155552671' }),
      importNumber({ type: 'local', senderId: '+14155552671' }, 'globex', 'smsc1'),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(imported).toHaveLength(1);
  });

  it('refuses a body with unknown fields or no body with a plain 400', async () => {
    const extra = await importNumber({ type: 'local', senderId: '+14155552671', colour: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('VALIDATION_FAILED');
    const none = await app.inject({ method: 'POST', url: '/v1/orgs/acme/integrations/smsc1/numbers' });
    expect(none.statusCode).toBe(400);
  });

  it('puts the schema findings in details', async () => {
    const res = await importNumber({ type: 'local', senderId: 42 });
    expect(res.json()).toMatchObject({ error: { message: MSG_CHECK_SENDER_ID_TYPE, details: { issues: [{ path: 'senderId' }] } } });
  });
});

describe('GET /v1/orgs/:org/numbers', () => {
  it('lists only the org\'s numbers, optionally for one integration', async () => {
    await integrations.create(integration('acme', 'smsc2'));
    await importNumber({ type: 'local', senderId: '+14155552672' }, 'acme', 'smsc2');
    await importNumber({ type: 'local', senderId: '+14155552671' });
    await importNumber({ type: 'local', senderId: '+14155552673' }, 'globex', 'smsc1');
    const all = await app.inject({ method: 'GET', url: '/v1/orgs/acme/numbers' });
    expect(all.statusCode).toBe(200);
    expect(all.json().numbers.map((n: NumberRecord) => n.e164)).toEqual(['+14155552671', '+14155552672']);
    const one = await app.inject({ method: 'GET', url: '/v1/orgs/acme/numbers?integration=smsc2' });
    expect(one.json().numbers.map((n: NumberRecord) => n.e164)).toEqual(['+14155552672']);
    expect((await app.inject({ method: 'GET', url: '/v1/orgs/initech/numbers' })).json()).toEqual({ numbers: [] });
  });

  it('shows one number in any spelling, and hides other orgs\' numbers', async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    for (const spelling of ['+14155552671', '%2B14155552671', '14155552671']) {
      const res = await app.inject({ method: 'GET', url: `/v1/orgs/acme/numbers/${spelling}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().e164).toBe('+14155552671');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/orgs/globex/numbers/14155552671' })).statusCode).toBe(404);
  });
});

describe('GET /v1/orgs/:org/numbers/:e164/subscribers/:handset', () => {
  const url = (e164: string, handset: string, org = 'acme') => `/v1/orgs/${org}/numbers/${encodeURIComponent(e164)}/subscribers/${encodeURIComponent(handset)}`;

  it("shows a handset's stored state and history, with the handset in any spelling", async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    for (const handset of ['+447700900123', '447700900123']) {
      const res = await app.inject({ method: 'GET', url: url('+14155552671', handset) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ state: 'optedOut', history: [{ keyword: 'optOut', moId: 'mo-1' }] });
    }
  });

  it('answers subscribed with no history for a handset that never texted a keyword', async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    const res = await app.inject({ method: 'GET', url: url('+14155552671', '+447700900999') });
    expect(res.json()).toEqual({ sender: '+14155552671', handset: '+447700900999', state: 'subscribed', history: [] });
  });

  it("answers 404 for another org's number and 400 for a handset that is not a number", async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    expect((await app.inject({ method: 'GET', url: url('+14155552671', '+447700900123', 'globex') })).statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: url('+14155552671', 'not-a-phone') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not a phone number/);
  });
});

describe('DELETE /v1/orgs/:org/numbers/:e164', () => {
  it.each(['+14155552671', '%2B14155552671', '14155552671'])('releases %s with 204', async (spelling) => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    const res = await app.inject({ method: 'DELETE', url: `/v1/orgs/acme/numbers/${spelling}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await numbers.get('+14155552671')).toBeUndefined();
    expect(released.map((r) => r.e164)).toEqual(['+14155552671']);
    // free again: any org may import it now
    expect((await importNumber({ type: 'local', senderId: '+14155552671' }, 'globex', 'smsc1')).statusCode).toBe(201);
  });

  it('releases a short code by its digits', async () => {
    await importNumber({ type: 'shortcode', senderId: '12345', country: 'US', keywords: shortCodeKeywords });
    expect((await app.inject({ method: 'DELETE', url: '/v1/orgs/acme/numbers/12345' })).statusCode).toBe(204);
  });

  it('answers 404 for a number not in this org, leaving it alone', async () => {
    await importNumber({ type: 'local', senderId: '+14155552671' });
    const res = await app.inject({ method: 'DELETE', url: '/v1/orgs/globex/numbers/+14155552671' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect(await numbers.get('+14155552671')).toBeDefined();
    expect((await app.inject({ method: 'DELETE', url: '/v1/orgs/acme/numbers/+14155550000' })).statusCode).toBe(404);
    expect(released).toEqual([]);
  });

  it('answers 400 for something that cannot be a number', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/orgs/acme/numbers/not-a-number' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
