// One SMPP bind: connect → bind → bound (kept alive by its session) → unbind, and backoff between attempts.
// Pure: the socket lives in the `smppSession` callback actor the actor layer provides; every
// protocol timer is a named delay read from context, so tests drive time with SimulatedClock.
import { assign, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { BindType } from '../config/index.js';
import { commandStatusName } from '../domain/index.js';
import { bindBackoffMs, classifyBindStatus, ESME_ROK, type BindFailureKind } from './bind-policy.js';

export interface BindTimers {
  bindStaggerMs: number;
  connectTimeoutMs: number;
  bindResponseTimeoutMs: number;
  enquireLinkIntervalMs: number;
  enquireLinkTimeoutMs: number;
  unbindTimeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  authBackoffInitialMs: number;
  authBackoffMaxMs: number;
}

export interface BindInput {
  index: number;
  bindType: BindType;
  timers: BindTimers;
  /** uniform [0, 1): jitter source, injected so the machine stays deterministic under test */
  random: () => number;
}

/** Commands the machine sends to its session actor. */
export type SessionCommand =
  | { type: 'session.bind'; timeoutMs: number }
  /** bound: keep the link checked with enquire_link (src/adapters/smpp/keep-alive.ts); report session.link_lost */
  | { type: 'session.keep_alive'; intervalMs: number; timeoutMs: number }
  | { type: 'session.unbind'; timeoutMs: number };

/** Facts the session actor reports (see src/adapters/smpp/types.ts for the socket-level ones). */
export type BindEvent =
  | { type: 'smpp.connected' }
  | { type: 'smpp.closed'; reason: string }
  | { type: 'smpp.codec_error'; recoverable: boolean; message: string }
  | { type: 'session.bind_resp'; commandStatus: number }
  | { type: 'session.unbind_resp' }
  | { type: 'session.request_failed'; request: 'bind' | 'unbind'; reason: string }
  /** the keep-alive's enquire_link went unanswered or failed: the link is dead even if the socket looks open */
  | { type: 'session.link_lost'; reason: string }
  | { type: 'pdu.unbind' }
  | { type: 'bind.attempt_granted' }
  | { type: 'bind.stop' }
  /** the SMSC no longer counts this bind as bound (a submit answered ESME_RINVBNDSTS): bind again */
  | { type: 'bind.rebind'; reason: string };

export interface BindError {
  reason: string;
  kind: BindFailureKind;
  commandStatus?: number | undefined;
}

export interface BindContext extends BindInput {
  /** failed attempts since the last successful bind (drives the backoff exponent) */
  attempt: number;
  /** consecutive authentication / already-bound failures */
  authFailures: number;
  lastError: BindError | undefined;
  /** the backoff chosen on entering `backoff`, reported in events */
  backoffMs: number;
}

/** What a bind tells its integration. */
export type BindStatusEvent = {
  type: 'bind.status';
  index: number;
  status: 'bound' | 'down' | 'stopped';
  lastError?: BindError | undefined;
};

/** waiting for a bind attempt from the instance's budget: the state's name says what it waits after */
const QUEUED = {
  invoke: { id: 'permit', src: 'bindAttemptPermit', input: ({ context }: { context: BindContext }) => ({ index: context.index }) },
  on: { 'bind.attempt_granted': '#bind.online' },
} as const;

const failure = (reason: string) => ({ type: 'fail', params: { reason } }) as const;

export const bindMachine = setup({
  types: {
    context: {} as BindContext,
    events: {} as BindEvent,
    input: {} as BindInput,
  },
  actors: {
    // The instance-wide bind-attempt budget (BYO_BIND_ATTEMPTS_PER_SECOND): the actor layer provides
    // one that answers `bind.attempt_granted` when this bind's turn comes (and forgets the request
    // when the wait is left). This default grants at once.
    bindAttemptPermit: fromCallback<BindEvent, { index: number }>(({ sendBack }) => {
      sendBack({ type: 'bind.attempt_granted' });
    }),
    // Replaced by the actor layer (src/actors/smpp-session-actor.ts) with the real socket session.
    smppSession: fromCallback<SessionCommand, { index: number }>(({ sendBack }) => {
      sendBack({ type: 'smpp.closed', reason: 'no SMPP session implementation provided' });
    }),
  },
  delays: {
    staggerDelay: ({ context }) => context.index * context.timers.bindStaggerMs,
    connectTimeout: ({ context }) => context.timers.connectTimeoutMs,
    bindResponseTimeout: ({ context }) => context.timers.bindResponseTimeoutMs,
    unbindTimeout: ({ context }) => context.timers.unbindTimeoutMs,
    backoffDelay: ({ context }) => context.backoffMs,
  },
  guards: {
    bindAccepted: ({ event }) => event.type === 'session.bind_resp' && event.commandStatus === ESME_ROK,
  },
  actions: {
    reportBound: sendParent(({ context }): BindStatusEvent => ({ type: 'bind.status', index: context.index, status: 'bound' })),
    reportDown: sendParent(({ context }): BindStatusEvent => ({
      type: 'bind.status', index: context.index, status: 'down', lastError: context.lastError,
    })),
    reportStopped: sendParent(({ context }): BindStatusEvent => ({
      type: 'bind.status', index: context.index, status: 'stopped', lastError: context.lastError,
    })),
    fail: assign((_, params: { reason: string }) => ({ lastError: { reason: params.reason, kind: 'transient' as const } })),
    resetAttempts: assign({ attempt: 0, authFailures: 0, lastError: undefined }),
    recordBindRefusal: assign(({ event }) => {
      const status = event.type === 'session.bind_resp' ? event.commandStatus : -1;
      const kind = classifyBindStatus(status);
      return { lastError: { reason: `bind refused with command_status 0x${status.toString(16).padStart(8, '0')} (${commandStatusName(status)})`, kind, commandStatus: status } };
    }),
    planBackoff: assign(({ context }) => {
      const auth = context.lastError?.kind === 'auth';
      const attempt = context.attempt + 1;
      const authFailures = auth ? context.authFailures + 1 : context.authFailures;
      return {
        attempt,
        authFailures,
        backoffMs: bindBackoffMs({ attempt, authFailures, auth, timers: context.timers, random: context.random() }),
      };
    }),
  },
}).createMachine({
  id: 'bind',
  context: ({ input }) => ({ ...input, attempt: 0, authFailures: 0, lastError: undefined, backoffMs: 0 }),
  initial: 'idle',
  on: { 'bind.stop': '.stopped' },
  states: {
    // Staggered start: three binds of one integration never hit the SMSC in the same instant; then
    // every attempt (first or after a backoff) waits for its turn in the instance's budget.
    idle: {
      initial: 'staggering',
      states: {
        staggering: { after: { staggerDelay: 'queued' } },
        queued: QUEUED,
      },
    },
    online: {
      invoke: { id: 'session', src: 'smppSession', input: ({ context }) => ({ index: context.index }) },
      initial: 'connecting',
      on: {
        'smpp.closed': { target: 'backoff', actions: assign({ lastError: ({ event, context }) => context.lastError ?? { reason: event.reason, kind: 'transient' } }) },
        'smpp.codec_error': { guard: ({ event }) => !event.recoverable, target: 'backoff', actions: failure('malformed PDU from SMSC (framing lost)') },
      },
      states: {
        connecting: {
          entry: assign({ lastError: undefined }),
          on: { 'smpp.connected': 'binding' },
          after: { connectTimeout: { target: '#bind.backoff', actions: failure('connect timeout') } },
        },
        binding: {
          entry: sendTo('session', ({ context }): SessionCommand => ({ type: 'session.bind', timeoutMs: context.timers.bindResponseTimeoutMs })),
          on: {
            'session.bind_resp': [
              { guard: 'bindAccepted', target: 'bound' },
              { target: '#bind.backoff', actions: 'recordBindRefusal' },
            ],
            'session.request_failed': { target: '#bind.backoff', actions: failure('no bind_resp (request failed)') },
          },
          after: { bindResponseTimeout: { target: '#bind.backoff', actions: failure('bind_resp timeout') } },
        },
        bound: {
          // The keep-alive runs in the session, not as states here: at 9,000 idle binds a transition pair
          // per enquire_link cost about a third of the engine's idle CPU. Its timers are still ours to set.
          entry: ['resetAttempts', 'reportBound', sendTo('session', ({ context }): SessionCommand => ({
            type: 'session.keep_alive', intervalMs: context.timers.enquireLinkIntervalMs, timeoutMs: context.timers.enquireLinkTimeoutMs,
          }))],
          on: {
            'pdu.unbind': { target: '#bind.backoff', actions: failure('SMSC sent unbind') },
            'session.link_lost': {
              target: '#bind.backoff',
              actions: assign({ lastError: ({ event }) => ({ reason: event.reason, kind: 'transient' as const }) }),
            },
            // leaving `online` closes the session; the usual backoff, then a fresh connect and bind
            'bind.rebind': {
              target: '#bind.backoff',
              actions: assign({ lastError: ({ event }) => ({ reason: event.reason, kind: 'transient' as const }) }),
            },
            'bind.stop': 'unbinding',
          },
        },
        unbinding: {
          entry: sendTo('session', ({ context }): SessionCommand => ({ type: 'session.unbind', timeoutMs: context.timers.unbindTimeoutMs })),
          on: {
            'session.unbind_resp': '#bind.stopped',
            'session.request_failed': '#bind.stopped',
            'smpp.closed': '#bind.stopped',
          },
          after: { unbindTimeout: '#bind.stopped' },
        },
      },
    },
    backoff: {
      entry: ['planBackoff', 'reportDown'],
      initial: 'waiting',
      states: {
        waiting: { after: { backoffDelay: 'queued' } },
        queued: QUEUED,
      },
    },
    stopped: { type: 'final', entry: 'reportStopped' },
  },
});

export type BindMachine = typeof bindMachine;
