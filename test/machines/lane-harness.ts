// The lane machine with a real LaneBook, fake sessions and a fake consumer, on a simulated clock. The
// hot path (pump while `ready`, answers, settling) is driven here the way src/actors/outbound/lane.ts does.
import { createActor, SimulatedClock } from 'xstate';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/index.js';
import { classifyCommandStatus, mapProtocolCode, type PreparedMessage, type SubmitSm } from '../../src/domain/index.js';
import { LaneBook, type LaneIo, type LaneJob, type LaneSegment } from '../../src/machines/lane-book.js';
import { laneMachine, type LaneEmitted, type LaneTimers } from '../../src/machines/lane-machine.js';

export const LANE_TIMERS: LaneTimers = { throttleBackoffMs: 1_000, throttleBackoffMaxMs: 30_000, requeueDelayMs: 400 };

export interface FakeSession { writable: boolean; bind: number }
export interface Sent { at: number; msg: string; index: number; bind: number; seg: LaneSegment<string> }

export const prepared = (id: string, segments = 1): PreparedMessage =>
  ({ id, charset: 'GSM7', pdus: Array.from({ length: segments }, () => ({}) as SubmitSm) });

export function startLane(opts: { mps?: number; binds?: number } = {}) {
  const clock = new SimulatedClock();
  const book = new LaneBook<string, FakeSession>();
  book.setRate(opts.mps ?? 0);
  const sessions: (FakeSession | undefined)[] = Array.from({ length: opts.binds ?? 3 }, (_, bind) => ({ writable: true, bind }));
  const sent: Sent[] = [];
  const released: string[] = [];
  const finished: string[] = [];
  const consumer = { running: 0, starts: 0 };
  let draining = false;
  const io: LaneIo<string, FakeSession> = {
    sessions,
    submit: (seg, s) => { sent.push({ at: clock.now(), msg: seg.job.msg, index: seg.index, bind: s.bind, seg }); },
    settleIfDone: (job: LaneJob<string>) => {
      if (!book.finish(job)) return;
      finished.push(job.msg);
      if (draining) actor.send({ type: 'lane.job_finished' });
    },
    release: (job) => { released.push(job.msg); },
  };
  // the consumer comes in as input, as in the engine (one machine definition for every lane)
  const consume = () => { consumer.running++; consumer.starts++; return () => { consumer.running--; }; };
  /** timers the lane set on its clock (the pacer's, the pauses') */
  const timers = { set: 0 };
  const laneClock = {
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number) => { timers.set++; return clock.setTimeout(fn, ms); },
    clearTimeout: (id: unknown) => clock.clearTimeout(id as number),
  };
  const actor = createActor(laneMachine, { clock, input: { book, io, clock: laneClock, timers: LANE_TIMERS, consume } });
  const emitted: LaneEmitted[] = [];
  actor.on('rebind', (e) => emitted.push(e));
  /** snapshots the machine produced: one per event or timer it handled */
  const steps = { count: 0 };
  actor.subscribe((s) => { draining = s.matches('draining'); steps.count++; });
  actor.start();

  const value = () => actor.getSnapshot().value;
  /** the hot path: pump without an event while ready, tell the machine when the rate limit stops it */
  const pump = () => {
    const v = value();
    const ready = typeof v === 'object' && ((v as Record<string, string>).consuming ?? (v as Record<string, string>).draining) === 'ready';
    if (ready && book.pump(() => clock.now(), io) === 'wait') actor.send({ type: 'lane.wait' });
  };
  const add = (msg: string, segments = 1) => {
    book.admit(msg, prepared(msg, segments), clock.now());
    pump();
  };
  /** the SMSC answers one sent segment with `status` */
  const answer = (s: Sent, status = 0) => {
    const verdict = classifyCommandStatus(status);
    const consecutive = book.answer(s.seg, verdict, `smsc-${s.msg}-${s.index}`, () => mapProtocolCode(status, DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping));
    if (consecutive > 0) actor.send({ type: 'lane.retry', commandStatus: status, consecutive, bind: verdict === 'rebind' ? s.bind : undefined });
    io.settleIfDone(s.seg.job);
    pump();
  };
  /** SimulatedClock fires each due timer once per increment: step 1 ms so timers set while firing run too */
  const advance = (ms: number) => { for (let t = 0; t < ms; t++) clock.increment(1); };
  return { actor, clock, steps, timers, book, sessions, sent, released, finished, consumer, emitted, value, pump, add, answer, advance };
}
