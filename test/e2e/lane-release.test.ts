// Messages a lane had pulled but not started go back to JetStream when the integration goes
// inactive, and come out again as soon as it is active: not after an ack wait. A nak sent before
// the lane's consumer was unsubscribed used to be redelivered at once into its still-open pull, to
// an inbox about to go, where it sat for the whole ack wait (60 s). Real engine, nats-server, SMSC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually, type EngineProcess } from '../helpers/engine-process.js';
import { setUpIntegration, type MtClient } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const CYCLES = 6;
const PER_CYCLE = 30;

describe('outbound lane: deactivated with messages queued', () => {
  let world: World;
  let smsc: FakeSmsc;
  let engine: EngineProcess;
  let mt: MtClient;

  beforeAll(async () => {
    // an ack wait far beyond the waits below: a message stranded in a dead pull cannot come back in time
    world = await startWorld([{ autoDlr: true }], { BYO_MT_ACK_WAIT_MS: '120000' });
    [smsc] = world.smscs as [FakeSmsc];
    ({ engine, mt } = world);
  }, 60_000);

  afterAll(async () => world?.close());

  it(`hands queued messages back and sends them after reactivation, ${CYCLES} times in a row`, async () => {
    // 50 per second: most of each batch is still queued (pulled, not started) when the deactivation comes
    const id = await setUpIntegration(engine, smsc.port, '+15550000021', { messagesPerSecond: 50 });
    const state = async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state;
    const sent: string[] = [];
    for (let c = 0; c < CYCLES; c++) {
      await eventually(async () => (await state()) === 'active', { what: `active (cycle ${c})` });
      const batch = Array.from({ length: PER_CYCLE }, (_, i) => `q-${c}-${i}`);
      for (const mid of batch) await mt.publish('acme', id, { id: mid, from: '+15550000021', to: '+447700900131', text: mid });
      sent.push(...batch);
      // pulled into the lane before it stops
      await eventually(async () => (await jetstreamManager(mt.nc).then((j) => j.consumers.info('BYO_MT', `mt_acme_${id}`))).num_pending === 0,
        { what: `batch ${c} pulled` });
      expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/deactivate`)).status).toBe(200);
      await eventually(async () => (await state()) === 'inactive', { what: `inactive (cycle ${c})` });
      expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);
    }
    // each message's final status within 20 s, far inside the ack wait
    for (const mid of sent) expect((await mt.waitFinal('acme', id, mid)).final?.state).toBe('delivered');
    await mt.settled('acme', id, [smsc]);
    for (const mid of sent) expect(mt.statuses('acme', id, mid).map((s) => s.state)).toEqual(['submitted', 'delivered']);
  }, 120_000);
});
