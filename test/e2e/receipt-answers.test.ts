// How the engine answers receipts it cannot use at once (issue 11): a receipt that arrives while NATS is
// briefly away is held and retried until it is recorded, then acknowledged (an SMSC that never resends a
// refused receipt loses nothing to a short fault); a receipt that matches no message is refused (its
// record may come later) until BYO_RECEIPT_UNMATCHED_GIVE_UP_MS, then acknowledged and counted, so an
// SMSC that retries does not resend it forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_STATUS } from '../../src/adapters/smpp/index.js';
import { receiptText } from '../../src/simulator/index.js';
import type { FakeSmsc } from '../helpers/fake-smsc.js';
import { eventually } from '../helpers/engine-process.js';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const SENDER = '+15550004101';
const HANDSET = '+447700900501';
const GIVE_UP_MS = 2_000;

describe('receipt answers (engine + nats-server + fake SMSC)', () => {
  let world: World;
  let smsc: FakeSmsc;
  let id: string;

  const receipt = (smscId: string) => {
    const now = new Date();
    return {
      source_addr: HANDSET.slice(1), source_addr_ton: 1, source_addr_npi: 1, destination_addr: SENDER.slice(1), dest_addr_ton: 1, dest_addr_npi: 1,
      esm_class: 0x04, data_coding: 0,
      short_message: Buffer.from(receiptText({ id: smscId, stat: 'DELIVRD', err: 0, submitted: now, done: now, text: 'x' }), 'latin1'),
    };
  };
  const answers = async (answer: string) => {
    const text = (await world.engine.api('GET', '/metrics')).text;
    const m = new RegExp(`^byo_deliver_sm_answers_total\\{[^}]*answer="${answer}"[^}]*\\} (\\d+)$`, 'm').exec(text);
    return Number(m?.[1] ?? 0);
  };

  beforeAll(async () => {
    // no automatic receipts: the test sends them; short hold so the unmatched case answers quickly. The owner
    // claim outlives the outage (its fence would close the binds after ~5 s without NATS, sooner on a loaded
    // host, and a closed session takes its unanswered receipt with it): this test is about the hold.
    world = await startWorld([{}], {
      BYO_RECEIPT_HOLD_MS: '300', BYO_RECEIPT_UNMATCHED_GIVE_UP_MS: String(GIVE_UP_MS), BYO_OWNER_CLAIM_TTL_MS: '60000', BYO_OWNER_FENCE_MS: '55000',
      // room for nats-server's restart and the client's reconnect on a loaded host
      BYO_DELIVER_SM_RETRY_MAX_MS: '12000',
    });
    smsc = world.smscs[0]!;
    id = await setUpIntegration(world.engine, smsc.port, SENDER);
    await eventually(async () => smsc.connectionList().filter((c) => c.canReceive).length === 3, { what: '3 receiving binds' });
  }, 60_000);

  afterAll(async () => world?.close());

  it('a receipt that arrives while nats-server is down for 2 s is held, recorded once NATS is back, then acknowledged', async () => {
    await world.mt.publish('acme', id, { id: 'held-1', from: SENDER, to: HANDSET, text: 'held receipt' });
    const sub = await eventually(() => world.mt.statuses('acme', id, 'held-1').find((s) => s.state === 'submitted'), { what: 'submitted' });
    await world.nats.kill();
    const answered = smsc.deliver('any', receipt(sub.smscMessageIds[0]!), 15_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await world.nats.restart();
    expect((await answered).commandStatus).toBe(COMMAND_STATUS.ESME_ROK);
    await eventually(() => world.mt.statuses('acme', id, 'held-1').find((s) => s.state === 'delivered'), { what: 'delivered', timeoutMs: 15_000 });
    expect(await answers('retried')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a receipt for no message is refused until the give-up time, then acknowledged and counted', async () => {
    const first = await smsc.deliver('any', receipt('987654321'));
    expect(first.commandStatus).toBe(COMMAND_STATUS.ESME_RX_T_APPN);
    const firstAt = Date.now();
    const again = await smsc.deliver('any', receipt('987654321'));
    if (Date.now() - firstAt < GIVE_UP_MS) expect(again.commandStatus).toBe(COMMAND_STATUS.ESME_RX_T_APPN);
    await new Promise((r) => setTimeout(r, Math.max(0, firstAt + GIVE_UP_MS - Date.now())));
    expect((await smsc.deliver('any', receipt('987654321'))).commandStatus).toBe(COMMAND_STATUS.ESME_ROK);
    expect(await answers('unmatched')).toBeGreaterThanOrEqual(1);
    expect(await answers('unmatchedGivenUp')).toBe(1);
  }, 30_000);
});
