// nats-server goes away in the middle of a run and comes back (same store): the engine reconnects, its
// consumers resume, statuses and tracking writes that failed are retried, receipts that arrived meanwhile are
// held and answered once recorded (none refused), and every message still gets exactly one `submitted` and one
// final status.
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
    const refused = () => smsc.receipts.filter((r) => r.respStatus !== undefined && r.respStatus !== 0).length;
    const receiptsBefore = smsc.receipts.length;
    await world.nats.kill();
    // the outage lasts until the engine has noticed it and receipts it cannot store yet are arriving: it holds
    // them (BYO_RECEIPT_RECORD_WAIT_MS) and answers them once recorded, it does not refuse them
    await eventually(async () => (await world.engine.api('GET', '/readyz')).status === 503, { what: 'engine not ready without NATS' });
    await smsc.waitFor(() => smsc.receipts.length > receiptsBefore + 2, { timeoutMs: 20_000, what: 'receipts sent during the outage' });
    await world.nats.restart();
    // published after the restart: they need the engine's MT consumer to pull again
    await eventually(async () => publish(after).then(() => true, () => false), { what: 'publishing after the restart' });

    for (const mid of ids) expect((await mt.waitFinal('acme', id, mid, 60_000)).final.state, mid).toBe('delivered');
    await mt.settled('acme', id, [smsc], 30_000);
    const wrong = ids.map((mid) => [mid, mt.statuses('acme', id, mid).map((s) => s.state).join(',')]).filter(([, c]) => c !== 'submitted,delivered');
    expect(wrong).toEqual([]);
    // an SMSC that never retries a refused receipt would have lost nothing either
    expect(refused()).toBe(0);
    // the engine is healthy again: ready, integration active
    await eventually(async () => (await world.engine.api('GET', '/readyz')).status === 200, { what: 'ready again' });
    expect((await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body.state).toBe('active');
  }, 120_000);
});
