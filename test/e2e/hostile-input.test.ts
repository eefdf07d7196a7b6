// Hostile input against a real engine process (nats-server, fake SMSC on TCP): byo.mt payloads of
// every wrong type, oversized and malformed each get a `rejected` status (none is sent, none is lost,
// the integration's record is untouched and a good message still goes through); org tokens minted
// over HTTP are stored in KV and confined to their org.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const SEED = 99;
const PAYLOADS = 40;

describe('hostile input (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let id: string;

  beforeAll(async () => {
    world = await startWorld([{ autoDlr: true }]);
    id = await setUpIntegration(world.engine, world.smscs[0]!.port, '+15550000042', { messagesPerSecond: 100 });
  }, 60_000);
  afterAll(async () => world?.close());

  it(`answers ${PAYLOADS} random, wrong-typed, oversized and malformed byo.mt payloads with rejected, and sends none`, async () => {
    const record = async () => {
      const { body } = await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}`);
      return JSON.stringify({ ...body, state: undefined, binds: undefined });
    };
    const before = await record();
    // no `id` field: the status is then filed under the Nats-Msg-Id the test chose
    const random = fc.sample(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({
      from: fc.oneof(fc.constant('+15550000042'), fc.anything({ maxDepth: 1 })), to: fc.anything({ maxDepth: 1 }), text: fc.anything({ maxDepth: 1 }),
    }, { requiredKeys: [] })), { seed: SEED, numRuns: PAYLOADS })
      .map((v) => JSON.stringify(v) ?? 'undefined')
      .filter((s) => !s.includes('"id"'));
    const fixed = [
      '', 'not json', '{"from":', '\u0000\u0001\u0002', '[]', 'null', '42', '"text"',
      JSON.stringify({ from: '+15550000042', to: '+447700900123', text: 'A'.repeat(160 * 300) }), // over 255 segments
      JSON.stringify({ from: '+15550000042', to: '+447700900123', text: 'hi', mediaUrl: 'http://x/y.png' }),
      JSON.stringify({ from: '+15550000042', to: ['+447700900123'], text: 'hi' }),
      JSON.stringify({ from: 15550000042, to: '+447700900123', text: 'hi' }),
      JSON.stringify({ from: '+15550000042', to: '+447700900123', text: { toString: 'x' } }),
    ];
    const payloads = [...fixed, ...random];
    for (const [i, p] of payloads.entries()) await world.mt.publishRaw('acme', id, p, `hostile-${i}`);
    for (const [i, p] of payloads.entries()) {
      const r = await world.mt.waitFinal('acme', id, `hostile-${i}`);
      expect(r.final, `payload ${i}: ${p.slice(0, 100)}`).toMatchObject({ state: 'rejected' });
      expect(r.final!.error.description.length, `payload ${i}`).toBeGreaterThan(0);
    }
    expect(world.smscs[0]!.submits).toHaveLength(0);
    await world.mt.publish('acme', id, { id: 'good-1', from: '+15550000042', to: '+447700900123', text: 'still here' });
    expect((await world.mt.waitFinal('acme', id, 'good-1')).final).toMatchObject({ state: 'delivered' });
    expect(await record()).toBe(before);
  });

  it('mints an org token kept in KV: it opens its own org, 404 elsewhere, 401 once revoked', async () => {
    const created = await world.engine.api('POST', '/v1/orgs/acme/tokens', { name: 'e2e' });
    expect(created.status, created.text).toBe(201);
    const token = created.body.token as string;
    const as = (path: string, method = 'GET') => fetch(`${world.engine.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    expect((await as(`/v1/orgs/acme/integrations/${id}`)).status).toBe(200);
    expect((await as(`/v1/orgs/globex/integrations/${id}`)).status).toBe(404);
    expect((await as('/v1/orgs/acme/tokens')).status).toBe(403);
    expect(world.engine.logs()).not.toContain(token.split('_').slice(2).join('_'));
    expect((await world.engine.api('DELETE', `/v1/orgs/acme/tokens/${created.body.id as string}`)).status).toBe(204);
    expect((await as(`/v1/orgs/acme/integrations/${id}`)).status).toBe(401);
  });
});
