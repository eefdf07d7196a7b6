// RecordSignal: a held receipt wakes for the record of its own message (matched across id bases, as
// receipts are), not for every other record; an unnamed waiter wakes for any record; the timeout bounds it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordSignal } from '../../../src/actors/outbound/record-signal.js';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; });
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

let signal: RecordSignal;
beforeEach(() => {
  vi.useFakeTimers();
  signal = new RecordSignal();
});
afterEach(() => vi.useRealTimers());

describe('RecordSignal', () => {
  it('wakes a waiter naming receipt ids only for the record of one of them', async () => {
    const held = signal.next(60_000, ['1000000001']);
    signal.notify(['1000000002']);
    expect(await settled(held)).toBe(false);
    signal.notify(['1000000001']);
    expect(await settled(held)).toBe(true);
  });

  it('matches a decimal receipt id to the hex id of the submit_sm_resp', async () => {
    const hexResp = ['0000001A'];
    const decimalReceipt = signal.next(60_000, ['26']);
    signal.notify(hexResp);
    expect(await settled(decimalReceipt)).toBe(true);
  });

  it('wakes an unnamed waiter for any record, and every waiter for a record without ids', async () => {
    const any = signal.next(60_000);
    const named = signal.next(60_000, ['77']);
    signal.notify(['78']);
    expect(await settled(any)).toBe(true);
    expect(await settled(named)).toBe(false);
    signal.notify();
    expect(await settled(named)).toBe(true);
  });

  it('resolves after its timeout when its record never comes, and forgets the waiter', async () => {
    const held = signal.next(250, ['5']);
    await vi.advanceTimersByTimeAsync(250);
    expect(await settled(held)).toBe(true);
    expect(signal.waiting).toBe(0);
  });

  it('knows which records are being written, in either id base, until they are recorded', () => {
    expect(signal.isRecording(['255'])).toBe(false);
    signal.recording(['000000FF']);
    // a receipt may name the hex id in decimal
    expect(signal.isRecording(['255'])).toBe(true);
    expect(signal.isRecording(['256'])).toBe(false);
    signal.notify(['000000FF']);
    expect(signal.isRecording(['255'])).toBe(false);
  });

  it('stops counting a record as pending after ten minutes (its writer gave up or died)', async () => {
    signal.recording(['42']);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(signal.isRecording(['42'])).toBe(false);
  });
});

describe('RecordSignal with many held receipts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('wakes only the waiters of the recorded ids, and forgets each woken waiter under every key it named', async () => {
    const s = new RecordSignal();
    const held = Array.from({ length: 1_000 }, (_, i) => s.next(60_000, [String(i + 1)]));
    expect(s.waiting).toBe(1_000);
    s.notify(['0000000A']); // hex 10: the waiter for decimal "10"
    expect(await settled(held[9]!)).toBe(true);
    expect(await settled(held[10]!)).toBe(false);
    expect(s.waiting).toBe(999);
    s.notify();
    expect(s.waiting).toBe(0);
  });

  it('knows while any record is being retried after a failure, until each is written', () => {
    const s = new RecordSignal();
    expect(s.recordsFailing).toBe(false);
    s.recordFailing('acme.i1.m1', true);
    s.recordFailing('acme.i1.m2', true);
    s.recordFailing('acme.i1.m1', false);
    expect(s.recordsFailing).toBe(true);
    s.recordFailing('acme.i1.m2', false);
    expect(s.recordsFailing).toBe(false);
  });
});
