// The receipt path of handleDeliverSm with a tracker that counts its reads: a receipt for a message whose
// record this instance is writing right now waits for that record instead of reading KV first (the read
// would miss: the reference is written last), and a receipt for anything else reads at once.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { handleDeliverSm, type InboundContext, type InboundDeps } from '../../../src/actors/inbound/deliver-sm-handler.js';
import { RecordSignal } from '../../../src/actors/outbound/record-signal.js';
import { UnmatchedReceipts } from '../../../src/actors/inbound/unmatched-receipts.js';
import type { MessageTrack, Tracker } from '../../../src/actors/outbound/tracker.js';
import type { StatusPublisher } from '../../../src/actors/outbound/status-publisher.js';
import type { DeliverSm, SmppSession } from '../../../src/adapters/smpp/index.js';
import { NO_METRICS } from '../../../src/domain/index.js';
import type { AdvancedConfig, IntegrationConfig } from '../../../src/config/index.js';

const TRACK: MessageTrack = { v: 1, id: 'm1', segments: 1, smscIds: ['123'], seg: ['delivered'], final: 'delivered', submittedAt: '2026-12-04T00:00:00.000Z' };

function receipt(id: string): DeliverSm {
  return {
    command: 'deliver_sm', sequenceNumber: 7, serviceType: '', sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: '15550001111',
    destAddrTon: 1, destAddrNpi: 1, destinationAddr: '15550002222', esmClass: 0x04, dataCoding: 0,
    shortMessage: Buffer.from(`id:${id} sub:001 dlvrd:001 submit date:2612040000 done date:2612040000 stat:DELIVRD err:000 text:hi`, 'latin1'),
  };
}

function world(receiptHoldMs = 2_000) {
  const signal = new RecordSignal();
  /** the reference exists in KV once `recorded` is true; every applyReceipt is one read */
  const state = { recorded: false, reads: 0, laggingReads: 0 };
  const tracker = {
    applyReceipt: async (_org: string, _int: string, _ids: string[], _failure: unknown, publishFinal: (t: MessageTrack) => Promise<void>) => {
      state.reads++;
      if (!state.recorded) return { kind: 'unknown' as const };
      if (state.laggingReads > 0) { state.laggingReads--; return { kind: 'unknown' as const }; } // a replica behind the write
      await publishFinal(TRACK);
      return { kind: 'final' as const, track: TRACK };
    },
  } as unknown as Tracker;
  const finals: string[] = [];
  const d: InboundDeps = {
    mo: {} as never, metrics: NO_METRICS, tracker, logger: pino({ level: 'silent' }), now: () => new Date(),
    statuses: { final: async (_o: string, _i: string, id: string) => { finals.push(id); } } as unknown as StatusPublisher,
    receiptHoldMs, retryMaxMs: 5_000, retryDelayMs: 50,
    isRecording: (ids) => signal.isRecording(ids), nextRecord: (ms, ids) => signal.next(ms, ids),
    recordsFailing: () => signal.recordsFailing,
    unmatched: new UnmatchedReceipts(600_000),
  };
  const answers: number[] = [];
  const session = { closed: false, respondDeliverSm: (_pdu: unknown, status: number) => { answers.push(status); } } as unknown as SmppSession;
  const ctx: InboundContext = { org: 'acme', integration: 'i1', config: {} as IntegrationConfig, advanced: { protocolSpecificCodeMapping: {} } as unknown as AdvancedConfig };
  /** the record of '123' is written: its reference exists from now on, and waiters hear of it */
  const record = () => {
    state.recorded = true;
    signal.notify(['123']);
  };
  return { signal, state, finals, answers, record, run: (id: string) => handleDeliverSm(d, ctx, session, receipt(id)) };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('handleDeliverSm: a receipt right behind its submit_sm_resp', () => {
  it('waits for the record being written instead of reading the tracking KV first', async () => {
    const w = world();
    w.signal.recording(['123']);
    const done = w.run('123');
    await tick(50);
    expect(w.state.reads).toBe(0);
    expect(w.answers).toEqual([]);
    w.record();
    await done;
    expect(w.state.reads).toBe(1);
    expect(w.finals).toEqual(['m1']);
    expect(w.answers).toEqual([0]);
  });

  it('waits for a record its resp starts just after it is dispatched (the lane hears the resp in a promise continuation)', async () => {
    const w = world();
    const done = w.run('123'); // dispatched synchronously, right behind the resp in the same read ...
    void Promise.resolve().then(() => w.signal.recording(['123'])); // ... whose continuation starts the record
    await tick(50);
    expect(w.state.reads).toBe(0);
    w.record();
    await done;
    expect(w.state.reads).toBe(1);
    expect(w.answers).toEqual([0]);
  });

  it('reads at once when nothing it could match is being recorded here', async () => {
    const w = world();
    w.state.recorded = true;
    w.signal.recording(['999']);
    await w.run('123');
    expect(w.state.reads).toBe(1);
    expect(w.answers).toEqual([0]);
  });

  it('a record that takes long (a saturated engine): still waited for, then read once', async () => {
    const w = world();
    w.signal.recording(['123']);
    const done = w.run('123');
    await tick(400); // several 50 ms turns: it used to give up at 250 ms, miss in KV and wait anyway
    expect(w.state.reads).toBe(0);
    w.record();
    await done;
    expect(w.state.reads).toBe(1);
    expect(w.answers).toEqual([0]);
  });

  it('a record that does not come within the hold: it reads, and keeps holding while the record is written', async () => {
    const w = world(300);
    w.signal.recording(['123']);
    const done = w.run('123');
    await tick(450); // past the hold: it has read once and missed
    expect(w.state.reads).toBeGreaterThanOrEqual(1);
    expect(w.answers).toEqual([]);
    w.record();
    await done;
    expect(w.finals).toEqual(['m1']);
    expect(w.answers).toEqual([0]);
  });

  it('holds a receipt for a whole hold after its record is written, when the read lags behind it (a replica)', async () => {
    const w = world(300);
    w.signal.recording(['123']);
    const done = w.run('123');
    await tick(280); // the record takes most of the hold (a NATS node is failing over)
    w.state.laggingReads = 2;
    w.record();
    await done;
    expect(w.answers).toEqual([0]); // found on the third read, not refused when the first hold ran out
    expect(w.finals).toEqual(['m1']);
  });

  it('holds a receipt that matches nothing yet while records of this instance are failing (its own may be one)', async () => {
    const w = world(300);
    w.signal.recordFailing('acme.i1.other', true); // the tracking store is failing; no record names '123'
    const done = w.run('123');
    await tick(450); // past the hold: not refused, still held
    expect(w.answers).toEqual([]);
    w.signal.recordFailing('acme.i1.other', false);
    w.record();
    await done;
    expect(w.answers).toEqual([0]);
  });

  it('refuses a receipt that matches nothing after the hold when the store is healthy', async () => {
    const w = world(100);
    await w.run('123');
    expect(w.answers).toEqual([0x64]); // ESME_RX_T_APPN: the SMSC may resend it
  });
});
