// The instance-wide bind-attempt budget end to end: a real engine process with
// BYO_BIND_ATTEMPTS_PER_SECOND=2, four integrations activated together (12 binds), one of them at an
// SMSC that refuses every bind. The binds arrive spread out, and the failing SMSC's retries do not
// keep the others from binding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { COMMAND_STATUS } from '../../src/adapters/smpp/index.js';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

describe('bind-attempt budget across integrations (engine + nats-server + fake SMSCs)', () => {
  let world: World;
  let happy: FakeSmsc;
  let refusing: FakeSmsc;
  const ids: string[] = [];

  const create = async (name: string, port: number) => {
    const r = await world.engine.api('POST', '/v1/orgs/acme/integrations', {
      name, smscAddress: '127.0.0.1', smscPort: port, tls: false, credentials: { systemId: 'acme', password: 'secret1' },
    });
    expect(r.status, r.text).toBe(201);
    return r.body.id as string;
  };
  const state = async (id: string) => (await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body as { state: string; binds: { state: string }[] };

  beforeAll(async () => {
    // bind attempts of this engine: 2 per second (the default is 20); backoff after the refusal: 2 s (FAST_TIMERS)
    world = await startWorld([{}, { bindStatus: COMMAND_STATUS.ESME_RBINDFAIL }], { BYO_BIND_ATTEMPTS_PER_SECOND: '2', BYO_BIND_STAGGER_MS: '10' });
    [happy, refusing] = world.smscs as [FakeSmsc, FakeSmsc];
    ids.push(await create('refusing', refusing.port));
    for (const n of ['a', 'b', 'c']) ids.push(await create(n, happy.port));
  }, 60_000);

  afterAll(async () => world?.close());

  const STAMP_WINDOW_MS = 900;

  it('spreads the binds of integrations activated together, and a refusing SMSC does not starve the others', async () => {
    await Promise.all(ids.map(async (id) => expect((await world.engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200)));

    // every bind of the three healthy integrations comes up while the refusing one keeps retrying
    for (const id of ids.slice(1)) {
      await eventually(async () => (await state(id)).binds.filter((b) => b.state === 'bound').length === 3, { what: `3 bound binds of ${id}`, timeoutMs: 30_000 });
    }
    expect(happy.connectionList().filter((c) => c.bound)).toHaveLength(9);
    await eventually(() => refusing.binds.length > 3, { what: 'the refusing SMSC tried again after backoff', timeoutMs: 30_000 });
    expect((await state(ids[0]!)).binds.some((b) => b.state === 'bound')).toBe(false);

    // Every attempt starts with bind.connecting, stamped by the engine just after the budget granted
    // it. On a loaded machine the stamp can trail its grant by a few ms (seen: grants 500 ms apart
    // stamped at 0, 493, 999), so the window checked is 900 ms: at 2 per second no third attempt fits
    // in it, while without the budget the 12 first attempts start within ~100 ms of their activation.
    const consumer = await world.mt.js.consumers.get('BYO_EVENTS', { filter_subjects: 'byo.events.acme.*.bind.connecting', deliver_policy: DeliverPolicy.All });
    const pending = (await consumer.info()).num_pending;
    const starts: number[] = [];
    for await (const m of await consumer.fetch({ max_messages: pending, expires: 2_000 })) starts.push(Date.parse(m.json<{ at: string }>().at));
    starts.sort((x, y) => x - y);
    expect(starts.length).toBeGreaterThanOrEqual(12);
    const busiest = Math.max(...starts.map((t, i) => starts.filter((u, j) => j >= i && u < t + STAMP_WINDOW_MS).length));
    expect(busiest, starts.map((t) => t - starts[0]!).join(",")).toBeLessThanOrEqual(2);
  });
});
