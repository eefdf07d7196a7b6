// One integration's outbound lane: waitingForBind → consuming → draining → stopped, and inside consuming
// and draining the flow: ready (pumping) / pacing (the rate limiter's wait) / pausedThrottled (the retry
// policy's back-off after THROTTLED, MSGQFUL, SYSERR...).
//
// Events arrive only when flow changes, never per message: the lane actor pumps on its own while the
// machine is `ready` (a message arrived, a submit_sm_resp opened a window) and tells the machine when
// the pump has to wait. A full window is no state of its own: it opens and closes with every answer.
// While `pacing`, the `pacer` sends one segment per limiter wait on the lane's clock and reports
// `lane.caught_up` when the backlog is gone: a transition per send would cost more than the send.
// Pure: the JetStream consumer is the `mtConsumer` actor the actor layer provides; sending and settling
// go through `LaneIo`; time comes in as `clock` and the named delays, so tests run on SimulatedClock.
import { assign, enqueueActions, fromCallback, setup } from 'xstate';
import { COMMAND_STATUS, throttlePauseMs } from '../domain/index.js';
import type { LaneBook, LaneIo, WritableSession } from './lane-book.js';

export interface LaneTimers {
  /** first pause after ESME_RTHROTTLED (BYO_THROTTLE_BACKOFF_MS), doubling while they continue */
  throttleBackoffMs: number;
  /** cap of that doubling (BYO_THROTTLE_BACKOFF_MAX_MS) */
  throttleBackoffMaxMs: number;
  /** first pause after another retriable answer (BYO_REQUEUE_DELAY_MS) */
  requeueDelayMs: number;
}

/** Real timers in the engine, the actor's SimulatedClock in tests (it has exactly these). */
export interface LaneClock {
  /** ms since the epoch */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface LaneInput {
  book: LaneBook<any, WritableSession>;
  io: LaneIo<any, WritableSession>;
  clock: LaneClock;
  timers: LaneTimers;
  /** starts the JetStream consumer (while `consuming`); returns how to stop it. Input, not a provided
   *  actor: `provide()` per lane copied the whole definition for each (~26 transition objects, 11 state nodes) */
  consume?: () => () => void;
}

export interface LaneContext extends LaneInput {
  /** the integration is active (a bind is up): mirrors lane.active / lane.inactive */
  active: boolean;
  pauseMs: number;
  drainMs: number;
}

export type LaneEvent =
  /** the integration became active / stopped being active */
  | { type: 'lane.active' }
  | { type: 'lane.inactive' }
  /** the pump found the rate limit reached */
  | { type: 'lane.wait' }
  /** pacing: nothing left that the limit holds back (queue empty, or every window full) */
  | { type: 'lane.caught_up' }
  /** a retriable submit_sm_resp (`consecutive` in a row); `bind`: the SMSC said that bind is not bound */
  | { type: 'lane.retry'; commandStatus: number; consecutive: number; bind?: number | undefined }
  /** graceful stop: started messages get `drainMs` to finish */
  | { type: 'lane.stop'; drainMs: number }
  /** while draining: a message finished */
  | { type: 'lane.job_finished' };

/** Asks the bind machine to rebind (ESME_RINVBNDSTS: the SMSC no longer counts the bind as bound). */
export type LaneEmitted = { type: 'rebind'; bind: number; reason: string };

const retry = { target: '.pausedThrottled', actions: ['planPause', 'requestRebind'] } as const;

/** The flow inside consuming and draining. */
const FLOW = {
  initial: 'ready',
  states: {
    ready: { entry: 'pump', on: { 'lane.wait': 'pacing' } },
    pacing: { invoke: { src: 'pacer', input: ({ context }: { context: LaneContext }) => context }, on: { 'lane.caught_up': 'ready' } },
    pausedThrottled: { after: { throttlePause: 'ready' } },
  },
} as const;

export const laneMachine = setup({
  types: {
    context: {} as LaneContext,
    events: {} as LaneEvent,
    input: {} as LaneInput,
    emitted: {} as LaneEmitted,
  },
  actors: {
    // The durable JetStream consumer the actor layer passes in (input.consume, src/actors/outbound/lane.ts),
    // running while `consuming`; stopping it hands its undelivered messages back.
    mtConsumer: fromCallback<LaneEvent, { consume?: () => () => void }>(({ input }) => input.consume?.()),
    // One send per limiter wait until the backlog is gone; leaving `pacing` cancels its timer.
    pacer: fromCallback<LaneEvent, LaneContext>(({ input: { book, io, clock }, sendBack }) => {
      const now = () => clock.now();
      let timer: unknown;
      let stopped = false;
      const tick = () => {
        timer = undefined;
        const result = book.pump(now, io);
        if (stopped) return; // the pump's own effects ended pacing
        if (result === 'wait') timer = clock.setTimeout(tick, book.waitMs(now()));
        else sendBack({ type: 'lane.caught_up' });
      };
      timer = clock.setTimeout(tick, book.waitMs(now()));
      return () => {
        stopped = true;
        if (timer !== undefined) clock.clearTimeout(timer);
      };
    }),
  },
  delays: {
    throttlePause: ({ context }) => context.pauseMs,
    drainDeadline: ({ context }) => context.drainMs,
  },
  guards: {
    // nothing started is left to finish, or no bind is left to finish it on
    drained: ({ context }) => !context.active || !context.book.anyStarted(),
  },
  actions: {
    // sends what it may; raises lane.wait when the rate limit stops it (the hot path does the same)
    pump: enqueueActions(({ context, enqueue }) => {
      if (context.book.pump(() => context.clock.now(), context.io) === 'wait') enqueue.raise({ type: 'lane.wait' });
    }),
    releaseUnstarted: ({ context }) => {
      for (const job of context.book.releaseUnstarted()) context.io.release(job);
    },
    releaseAll: ({ context }) => {
      for (const job of context.book.releaseAll()) context.io.release(job);
    },
    markActive: assign({ active: true }),
    markInactive: assign({ active: false }),
    setDrain: assign({ drainMs: ({ event }) => (event.type === 'lane.stop' ? Math.max(0, event.drainMs) : 0) }),
    planPause: assign({
      pauseMs: ({ context, event }) => {
        if (event.type !== 'lane.retry') return context.pauseMs;
        const { timers } = context;
        const base = event.commandStatus === COMMAND_STATUS.ESME_RTHROTTLED ? timers.throttleBackoffMs : timers.requeueDelayMs;
        return throttlePauseMs(event.consecutive, base, timers.throttleBackoffMaxMs);
      },
    }),
    requestRebind: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'lane.retry' && event.bind !== undefined) {
        enqueue.emit({ type: 'rebind', bind: event.bind, reason: 'SMSC answered ESME_RINVBNDSTS' });
      }
    }),
  },
}).createMachine({
  id: 'lane',
  context: ({ input }) => ({ ...input, active: false, pauseMs: 0, drainMs: 0 }),
  initial: 'waitingForBind',
  on: {
    // a late answer while not sending: the bind may still need a rebind, the pause no longer matters
    'lane.retry': { actions: 'requestRebind' },
  },
  states: {
    // The integration is not active: no consumer, so messages wait in JetStream; messages not
    // started go back there. Started ones keep their lease until answered.
    waitingForBind: {
      entry: 'releaseUnstarted',
      on: {
        'lane.active': { target: 'consuming', actions: 'markActive' },
        'lane.stop': { target: 'draining', actions: 'setDrain' },
      },
    },
    consuming: {
      invoke: { id: 'consumer', src: 'mtConsumer', input: ({ context }) => ({ consume: context.consume }) },
      on: {
        'lane.inactive': { target: 'waitingForBind', actions: 'markInactive' },
        'lane.stop': { target: 'draining', actions: 'setDrain' },
        'lane.retry': retry,
      },
      ...FLOW,
    },
    // Graceful stop (SIGTERM, ownership moving): no new messages, those not started go back; started
    // ones get until the deadline to finish, so the next owner does not send them twice.
    draining: {
      entry: 'releaseUnstarted',
      always: { guard: 'drained', target: 'stopped' },
      after: { drainDeadline: 'stopped' },
      on: {
        'lane.job_finished': { guard: 'drained', target: 'stopped' },
        'lane.inactive': { target: 'stopped', actions: 'markInactive' },
        'lane.active': { actions: 'markActive' },
        'lane.retry': retry,
      },
      ...FLOW,
    },
    // Whatever is left with nothing in flight goes back to JetStream for the next owner.
    stopped: { type: 'final', entry: 'releaseAll' },
  },
});

export type LaneMachine = typeof laneMachine;
