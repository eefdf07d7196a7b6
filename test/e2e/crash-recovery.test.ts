// SIGKILL the engine in the middle of a run and start it again: every message still gets exactly one
// `submitted` and one final status, none is lost, and the number submitted twice is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpIntegration } from '../helpers/mt-client.js';
import { startWorld, type World } from '../helpers/e2e-world.js';

const MESSAGES = 400;

describe('crash recovery (SIGKILL mid-run)', () => {
  let world: World;
  beforeAll(async () => {
    // receipts arrive a while after the submit: many are still owed when the engine dies; and a killed
    // engine's un-acked messages come back after the JetStream ack wait: keep it short here
    world = await startWorld([{ messageIdFormat: 'hex', autoDlr: { delayMs: 400, idFormat: 'decimal' } }], { BYO_MT_ACK_WAIT_MS: '3000' });
  }, 60_000);
  afterAll(async () => world?.close());

  it('loses nothing and publishes exactly one submitted and one final status per message', async () => {
    const { mt, smscs: [smsc] } = world as World & { smscs: [World['smscs'][number]] };
    const id = await setUpIntegration(world.engine, smsc.port, '+15550001000', { messagesPerSecond: 100 });
    const ids = Array.from({ length: MESSAGES }, (_, i) => `k-${i}`);
    await Promise.all(ids.map((mid) => mt.publish('acme', id, { id: mid, from: '+15550001000', to: '+447700900200', text: `crash test ${mid}` })));
    // at 100 msg/s the run takes ~4 s: kill it roughly in the middle
    await smsc.waitFor(() => smsc.submitCount >= MESSAGES / 3, { timeoutMs: 20_000, what: 'a third submitted' });
    await world.engine.kill();
    const submittedBeforeKill = smsc.submitCount;
    expect(submittedBeforeKill).toBeLessThan(MESSAGES);
    await world.restartEngine();

    for (const mid of ids) {
      const r = await mt.waitFinal('acme', id, mid, 30_000).catch((err: unknown) => {
        const text = `crash test ${mid}`;
        const subs = smsc.submits.filter((s) => s.short_message.toString('latin1') === text);
        const receipts = smsc.receipts.filter((r) => subs.some((s) => s.index === r.submitIndex));
        throw new Error(`${String(err)}\nsubmits: ${JSON.stringify(subs.map((s) => [s.index, s.commandStatus, s.messageId]))}\nreceipts: ${JSON.stringify(receipts)}\nstatuses: ${JSON.stringify(mt.statuses('acme', id, mid))}`);
      });
      expect(r.final.state, mid).toBe('delivered');
    }
    // every message settled and every receipt answered: a repeated status would be in BYO_STATUS now
    await mt.settled('acme', id, [smsc], 30_000);
    const counts = ids.map((mid) => mt.statuses('acme', id, mid).map((s) => s.state).join(','));
    expect(counts.filter((c) => c !== 'submitted,delivered')).toEqual([]);

    const byText = new Map<string, number>();
    for (const s of smsc.submits) {
      const text = s.short_message.toString('latin1');
      byText.set(text, (byText.get(text) ?? 0) + 1);
    }
    const twice = [...byText.values()].filter((n) => n > 1).length;
    expect(byText.size).toBe(MESSAGES);
    // The figure the issue asks for: messages submitted twice because the kill fell between submit and record.
    console.log(`crash recovery: ${MESSAGES} messages, SIGKILL after ${submittedBeforeKill} submits, submitted twice: ${twice}`);
    // at most what can be between submit_sm_resp and its record: the three binds' windows (3 × 10)
    expect(twice).toBeLessThanOrEqual(30);
  });
});
