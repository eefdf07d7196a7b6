// Messages no integration will send get a `rejected` status instead of waiting forever or vanishing:
// those queued for an integration that is deleted, and those published for one that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

describe('outbound messages that no integration will send', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld([{ autoDlr: true }], { BYO_UNROUTABLE_SWEEP_MS: '500' });
  }, 60_000);
  afterAll(async () => world?.close());

  it('rejects the queued messages of a deleted integration with INTEGRATION_DELETED, one status each', async () => {
    const { engine, mt } = world;
    const id = await setUpIntegration(engine, world.smscs[0]!.port, '+15550004000', { messagesPerSecond: 100 });
    expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`)).status).toBe(200);
    await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'inactive', { what: 'inactive' });
    const ids = Array.from({ length: 5 }, (_, i) => `del-${i}`);
    for (const mid of ids) await mt.publish('acme', id, { id: mid, from: '+15550004000', to: '+447700900400', text: 'never sent' });
    expect(await mt.queued('acme', id)).toBe(5);

    expect([202, 204]).toContain((await engine.api('DELETE', `/v1/orgs/acme/integrations/${id}`)).status);
    for (const mid of ids) {
      expect((await mt.waitFinal('acme', id, mid)).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'INTEGRATION_DELETED' } });
    }
    await mt.settled('acme', id); // the queue is empty: every rejection is stored, and read
    for (const mid of ids) expect(mt.statuses('acme', id, mid).map((s) => s.state)).toEqual(['rejected']);
  });

  it('rejects messages published for an integration that does not exist with INTEGRATION_NOT_FOUND', async () => {
    const { mt } = world;
    await mt.publish('acme', 'no-such-integration', { id: 'lost-1', from: '+15550004001', to: '+447700900401', text: 'to nowhere' });
    await mt.publishRaw('acme', 'no-such-integration', 'not even json', 'lost-2');
    const r = await mt.waitFinal('acme', 'no-such-integration', 'lost-1', 15_000);
    expect(r.final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'INTEGRATION_NOT_FOUND' } });
    expect(r.final.error.description).toMatch(/no-such-integration does not exist in org acme/);
    expect((await mt.waitFinal('acme', 'no-such-integration', 'lost-2', 15_000)).final.state).toBe('rejected');
    await eventually(async () => (await mt.queued('acme', 'no-such-integration')) === 0, { what: 'queue emptied' });
  });

  it('leaves the messages of an existing, inactive integration waiting', async () => {
    const { engine, mt } = world;
    const id = await setUpIntegration(engine, world.smscs[0]!.port, '+15550004002', { messagesPerSecond: 100 });
    await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`);
    await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'inactive', { what: 'inactive' });
    await mt.publish('acme', id, { id: 'wait-1', from: '+15550004002', to: '+447700900402', text: 'later' });
    // Messages for an unknown integration, published after wait-1, are rejected by the sweeps; wait-1 was
    // a candidate at every one of those sweeps. The second is published once the first is rejected, so
    // the sweep that rejected the first has finished (one sweep at a time) before the second is rejected.
    for (const control of ['control-1', 'control-2']) {
      await mt.publish('acme', 'gone-integration', { id: control, from: '+15550004002', to: '+447700900402', text: 'control' });
      expect((await mt.waitFinal('acme', 'gone-integration', control, 15_000)).final.state).toBe('rejected');
    }
    await mt.caughtUp();
    expect(mt.statuses('acme', id, 'wait-1')).toEqual([]);
    expect(await mt.queued('acme', id)).toBe(1);
    await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`);
    expect((await mt.waitFinal('acme', id, 'wait-1')).final.state).toBe('delivered');
  });

  it('removes a message the engine rejects from BYO_MT, so deleting its integration gives it no second final status', async () => {
    const { engine, mt } = world;
    const id = await setUpIntegration(engine, world.smscs[0]!.port, '+15550004003', { messagesPerSecond: 100 });
    // not a number of this integration: rejected before sending, settled with term()
    await mt.publish('acme', id, { id: 'bad-src', from: '+15550004999', to: '+447700900403', text: 'wrong sender' });
    expect((await mt.waitFinal('acme', id, 'bad-src')).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'SOURCE_ADDR_INVALID' } });
    // on nats-server 2.9, term('reason') leaves the message in the work queue; plain term() removes it
    await eventually(async () => (await mt.queued('acme', id)) === 0, { what: 'the rejected message gone from BYO_MT', timeoutMs: 10_000 });

    await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`);
    await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'inactive', { what: 'inactive' });
    await mt.publish('acme', id, { id: 'queued-at-delete', from: '+15550004003', to: '+447700900403', text: 'never sent' });
    expect(await mt.queued('acme', id)).toBe(1);
    expect([202, 204]).toContain((await engine.api('DELETE', `/v1/orgs/acme/integrations/${id}`)).status);
    // the deletion rejects everything still queued in one pass; once this one has its status, that pass is over
    expect((await mt.waitFinal('acme', id, 'queued-at-delete')).final).toMatchObject({ state: 'rejected', error: { genericErrorCause: 'INTEGRATION_DELETED' } });
    await mt.settled('acme', id);
    expect(mt.statuses('acme', id, 'bad-src').map((s) => [s.state, s.error?.genericErrorCause])).toEqual([['rejected', 'SOURCE_ADDR_INVALID']]);
    expect(mt.statuses('acme', id, 'queued-at-delete').map((s) => [s.state, s.error?.genericErrorCause])).toEqual([['rejected', 'INTEGRATION_DELETED']]);
  });
});
