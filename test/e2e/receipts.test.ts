// Delivery receipts the engine cannot match or cannot record at once, end to end over real sockets.
// - A final receipt whose id matches no message is held BYO_RECEIPT_HOLD_MS, then acknowledged (ESME_ROK) so the
//   SMSC stops resending it, counted in byo_receipts_unmatched_total and reported by one
//   `integration.receipt_unmatched` event per interval (not refused with ESME_RX_T_APPN for ever).
// - A receipt that arrives while nats-server is down is held while the engine retries its own write, and
//   answered ESME_ROK once recorded: an SMSC that never retries a refused receipt loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '@nats-io/transport-node';
import { eventually } from '../helpers/engine-process.js';
import { receiptText } from '../helpers/fake-smsc.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const SENDER = '+15550004000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('receipts that match nothing, and receipts during a NATS outage', () => {
  let world: World;
  let id: string;
  beforeAll(async () => {
    world = await startWorld([{ autoDlr: { delayMs: 1_500 } }], {
      BYO_RECEIPT_HOLD_MS: '500', BYO_RECEIPT_UNMATCHED_EVENT_INTERVAL_MS: '60000', BYO_RECEIPT_RECORD_WAIT_MS: '20000',
      // the outage below stays shorter than the owner fence: this is about receipts, not about re-binding
      BYO_OWNER_CLAIM_TTL_MS: '15000', BYO_JETSTREAM_ACK_TIMEOUT_MS: '1000',
    });
    id = await setUpIntegration(world.engine, world.smscs[0]!.port, SENDER);
  }, 60_000);
  afterAll(async () => world?.close(), 60_000);

  it('acknowledges a receipt for an unknown message after the hold, counts it and reports it once per interval', async () => {
    const smsc = world.smscs[0]!;
    const events: Record<string, unknown>[] = [];
    const sub: Subscription = world.mt.nc.subscribe(`byo.events.acme.${id}.integration.receipt_unmatched`, {
      callback: (_err, m) => { events.push(m.json<Record<string, unknown>>()); },
    });
    const unknownReceipt = (rid: string) => smsc.deliver('any', {
      source_addr: '+447700900400', destination_addr: SENDER, esm_class: 0x04, data_coding: 0,
      short_message: Buffer.from(receiptText({ id: rid, stat: 'DELIVRD', err: 0, submitted: new Date(), done: new Date(), text: 'nobody' }), 'latin1'),
    }, 10_000);
    const started = Date.now();
    const first = await unknownReceipt('77770001');
    const heldMs = Date.now() - started;
    const second = await unknownReceipt('77770002');
    expect([first.commandStatus, second.commandStatus]).toEqual([0, 0]);
    // held for its submit's record first (BYO_RECEIPT_HOLD_MS, 500 ms), not acknowledged blindly
    expect(heldMs).toBeGreaterThanOrEqual(450);
    const metrics = (await world.engine.api('GET', '/metrics')).text;
    expect(metrics).toMatch(new RegExp(`^byo_receipts_unmatched_total\\{org="acme",integration="${id}"\\} 2$`, 'm'));
    await eventually(() => events.length > 0, { what: 'integration.receipt_unmatched event' });
    await sleep(500);
    sub.unsubscribe();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'integration.receipt_unmatched', org: 'acme', integration: id, detail: { receiptId: '77770001', count: 1 } });
  }, 60_000);

  it('holds a receipt that arrives while nats-server is down and answers it ESME_ROK once it is recorded', async () => {
    const smsc = world.smscs[0]!;
    const mid = 'outage-receipt-1';
    await world.mt.publish('acme', id, { id: mid, from: SENDER, to: '+447700900401', text: 'receipt in an outage' });
    await eventually(() => world.mt.statuses('acme', id, mid).some((s) => s.state === 'submitted'), { what: 'submitted', timeoutMs: 20_000 });
    const receiptsBefore = smsc.receipts.length;
    // the receipt comes 1.5 s after the submit_sm: with nats-server gone
    await world.nats.kill();
    await smsc.waitFor(() => smsc.receipts.length > receiptsBefore, { timeoutMs: 10_000, what: 'receipt sent during the outage' });
    await sleep(1_500);
    const answeredDuringOutage = smsc.receipts.slice(receiptsBefore).map((r) => r.respStatus);
    await world.nats.restart();
    const { final } = await world.mt.waitFinal('acme', id, mid, 30_000);
    expect(final.state).toBe('delivered');
    const mine = smsc.receipts.slice(receiptsBefore);
    // before the fix: answered ESME_RX_T_APPN (0x64) at once, the SMSC had to send it again
    expect(answeredDuringOutage).toEqual([undefined]);
    expect(mine.map((r) => r.respStatus)).toEqual([0]);
    expect(world.mt.statuses('acme', id, mid).map((s) => s.state)).toEqual(['submitted', 'delivered']);
  }, 90_000);
});
