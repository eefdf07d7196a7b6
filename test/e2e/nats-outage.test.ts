// nats-server goes away in the middle of a run and comes back (same store): the engine reconnects, its
// consumers resume, statuses and tracking writes that failed are retried, and every message still gets
// exactly one `submitted` and one final status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const MESSAGES = 300;

describe('NATS outage mid-run', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld([{ autoDlr: { delayMs: 200 } }], { BYO_MT_ACK_WAIT_MS: '5000', BYO_JETSTREAM_ACK_TIMEOUT_MS: '1000' });
  }, 60_000);
  afterAll(async () => world?.close());

  it('loses nothing and repeats no status when nats-server restarts under load', async () => {
    const { mt, smscs: [smsc] } = world as World & { smscs: [World['smscs'][number]] };
    const id = await setUpIntegration(world.engine, smsc.port, '+15550002000', { messagesPerSecond: 100 });
    const ids = Array.from({ length: MESSAGES }, (_, i) => `n-${i}`);
    const publish = (list: string[]) => Promise.all(list.map((mid) => mt.publish('acme', id, { id: mid, from: '+15550002000', to: '+447700900300', text: `outage ${mid}` })));
    const [before, after] = [ids.slice(0, MESSAGES / 2), ids.slice(MESSAGES / 2)];
    await publish(before);
    await smsc.waitFor(() => smsc.submitCount >= MESSAGES / 6, { timeoutMs: 20_000, what: 'some submitted' });
    const receiptsAtKill = smsc.receipts.length;
    await world.nats.kill();
    // the outage lasts until the engine has noticed it and receipts have come in that it cannot store: it
    // holds them (BYO_DELIVER_SM_RETRY_MAX_MS) or, past that, asks the SMSC to send them again
    await eventually(async () => (await world.engine.api('GET', '/readyz')).status === 503, { what: 'engine not ready without NATS' });
    await smsc.waitFor(() => smsc.receipts.length > receiptsAtKill, { timeoutMs: 20_000, what: 'a receipt sent during the outage' });
    await new Promise((r) => setTimeout(r, 2_000));
    await world.nats.restart();
    // published after the restart: they need the engine's MT consumer to pull again
    await eventually(async () => publish(after).then(() => true, () => false), { what: 'publishing after the restart' });

    for (const mid of ids) expect((await mt.waitFinal('acme', id, mid, 60_000)).final.state, mid).toBe('delivered');
    await mt.settled('acme', id, [smsc], 30_000);
    const wrong = ids.map((mid) => [mid, mt.statuses('acme', id, mid).map((s) => s.state).join(',')]).filter(([, c]) => c !== 'submitted,delivered');
    expect(wrong).toEqual([]);
    // the engine is healthy again: ready, integration active
    await eventually(async () => (await world.engine.api('GET', '/readyz')).status === 200, { what: 'ready again' });
    expect((await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body.state).toBe('active');
  }, 120_000);
});
