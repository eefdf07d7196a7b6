// Master-key rotation across engine restarts: an integration sealed under key A binds; the engine is
// restarted with BYO_MASTER_KEY=B and BYO_MASTER_KEY_PREVIOUS=A (it binds at once and re-encrypts in
// place); then restarted with B alone (A retired): it still binds and sends.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe('master-key rotation (engine restarts, nats-server, fake SMSC)', () => {
  let world: World;
  beforeAll(async () => { world = await startWorld([{ autoDlr: true }], { BYO_MASTER_KEY: keyA }); }, 60_000);
  afterAll(async () => world?.close());

  const sendOne = async (id: string, mid: string) => {
    await world.mt.publish('acme', id, { id: mid, from: '+15550000077', to: '+447700900123', text: mid });
    expect((await world.mt.waitFinal('acme', id, mid)).final).toMatchObject({ state: 'delivered' });
  };
  const active = (id: string) => eventually(async () => (await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active' });

  it('adds a key, re-encrypts in place, retires the old key: binds and sends at every step', async () => {
    const id = await setUpIntegration(world.engine, world.smscs[0]!.port, '+15550000077');
    await sendOne(id, 'under-a');
    const revision = (await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}`)).body.configRevision as number;

    await world.engine.stop();
    await world.restartEngine({ BYO_MASTER_KEY: keyB, BYO_MASTER_KEY_PREVIOUS: keyA });
    const line = await eventually(() => world.engine.logs().split('\n').find((l) => l.includes('master key rotation')), { what: 'rotation log line' });
    expect(JSON.parse(line)).toMatchObject({ reEncrypted: 1, current: 0, unreadable: [], retirePreviousKey: true });
    await active(id);
    await sendOne(id, 'during-rotation');
    // the credentials did not change: no new config revision, so nothing rebinds for the rotation
    expect((await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}`)).body.configRevision).toBe(revision);

    await world.engine.stop();
    await world.restartEngine({ BYO_MASTER_KEY: keyB });
    await active(id);
    await sendOne(id, 'under-b-only');
    expect(world.engine.logs()).not.toContain(keyA);
    expect(world.engine.logs()).not.toContain(keyB);
  });

  it('an engine with the old key alone can no longer open the credentials: a clear bind failure, not a crash', async () => {
    const { body } = await world.engine.api('GET', '/v1/orgs/acme/integrations');
    const id = body.integrations[0].id as string;
    await world.engine.stop();
    await world.restartEngine({ BYO_MASTER_KEY: keyA });
    const reason = await eventually(async () => {
      const state = await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`);
      return (state.body?.binds as { lastError?: string }[] | undefined)?.find((b) => b.lastError)?.lastError;
    }, { what: 'a bind error' });
    expect(reason).toMatch(/stored credentials cannot be opened: wrong master key/);
    expect(world.engine.child.exitCode).toBeNull();
  });
});
