// One integration: inactive → activating → active (healthy / degraded) → deactivating → inactive,
// failed when no bind came up within the bind establishment window (binds keep retrying), deleted.
// Exactly three binds, invoked while `running`, so leaving `running` always tears them down.
import { assign, emit, enqueueActions, setup } from 'xstate';
import type { BindType } from '../config/index.js';
import { bindMachine, type BindError, type BindStatusEvent, type BindTimers } from './bind-machine.js';

/** The reference: "three SMPP binds, which is the default binds count and currently non-configurable". */
export const BINDS_PER_INTEGRATION = 3;

export interface IntegrationTimers extends BindTimers {
  /** the reference's "15-minute wait time for the bind to be tested and established" */
  bindWindowMs: number;
  deactivateTimeoutMs: number;
}

export interface IntegrationInput {
  org: string;
  id: string;
  bindType: BindType;
  timers: IntegrationTimers;
  random: () => number;
}

export type IntegrationCommand =
  | { type: 'integration.activate' }
  | { type: 'integration.deactivate' }
  /** config or credentials changed: an active integration re-binds with the new settings */
  | { type: 'integration.update'; bindType: BindType; timers?: IntegrationTimers }
  | { type: 'integration.delete' }
  /** one bind's session is no longer bound at the SMSC (the lane saw ESME_RINVBNDSTS): rebind it */
  | { type: 'bind.rebind'; index: number; reason: string };

export type IntegrationEvent = IntegrationCommand | BindStatusEvent;

export type BindSlotStatus = 'starting' | 'bound' | 'down' | 'stopped';
export interface BindSlot {
  status: BindSlotStatus;
  lastError?: BindError | undefined;
}

/** What to do once every bind has stopped. */
type AfterStop = 'inactive' | 'restart' | 'delete';

export interface IntegrationContext extends IntegrationInput {
  binds: BindSlot[];
  afterStop: AfterStop;
}

export type IntegrationEmitted = { type: 'warning'; code: 'TRANSMITTER_ONLY'; message: string };

const freshSlots = (): BindSlot[] => Array.from({ length: BINDS_PER_INTEGRATION }, () => ({ status: 'starting' as const }));
const bindIds = Array.from({ length: BINDS_PER_INTEGRATION }, (_, i) => `bind-${i}`);

export const integrationMachine = setup({
  types: {
    context: {} as IntegrationContext,
    events: {} as IntegrationEvent,
    input: {} as IntegrationInput,
    emitted: {} as IntegrationEmitted,
  },
  actors: { bind: bindMachine },
  delays: {
    bindWindow: ({ context }) => context.timers.bindWindowMs,
    deactivateTimeout: ({ context }) => context.timers.deactivateTimeoutMs,
  },
  guards: {
    anyBound: ({ context }) => context.binds.some((b) => b.status === 'bound'),
    allBound: ({ context }) => context.binds.every((b) => b.status === 'bound'),
    allStopped: ({ context }) => context.binds.every((b) => b.status === 'stopped'),
    afterStopIs: ({ context }, params: { is: AfterStop }) => context.afterStop === params.is,
  },
  actions: {
    recordBindStatus: assign({
      binds: ({ context, event }) => {
        if (event.type !== 'bind.status') return context.binds;
        return context.binds.map((b, i) => (i === event.index ? { status: event.status, lastError: event.lastError } : b));
      },
    }),
    resetSlots: assign({ binds: freshSlots, afterStop: 'inactive' as AfterStop }),
    applyUpdate: assign(({ context, event }) =>
      event.type === 'integration.update' ? { bindType: event.bindType, timers: event.timers ?? context.timers } : {}),
    stopBinds: enqueueActions(({ enqueue }) => {
      for (const id of bindIds) enqueue.sendTo(id, { type: 'bind.stop' });
    }),
    forwardRebind: enqueueActions(({ event, enqueue, self }) => {
      if (event.type !== 'bind.rebind') return;
      // a bind that has already stopped (deactivating) has nothing to rebind
      const bind = self.getSnapshot().children[bindIds[event.index] ?? ''];
      if (bind) enqueue.sendTo(bind, { type: 'bind.rebind', reason: event.reason });
    }),
    setAfterStop: assign((_, params: { afterStop: AfterStop }) => ({ afterStop: params.afterStop })),
    warnTransmitterOnly: emit({
      type: 'warning',
      code: 'TRANSMITTER_ONLY',
      message: 'bindType is transmitter: no delivery reports or inbound messages will arrive (use transceiver, or add a receiver)',
    } as const),
  },
}).createMachine({
  id: 'integration',
  context: ({ input }) => ({ ...input, binds: freshSlots(), afterStop: 'inactive' }),
  initial: 'inactive',
  states: {
    inactive: {
      on: {
        'integration.activate': 'running',
        'integration.update': { actions: 'applyUpdate' },
        'integration.delete': 'deleted',
      },
    },
    running: {
      entry: [
        'resetSlots',
        enqueueActions(({ context, enqueue }) => {
          if (context.bindType === 'transmitter') enqueue('warnTransmitterOnly');
        }),
      ],
      invoke: bindIds.map((id, index) => ({
        id,
        src: 'bind' as const,
        input: ({ context }: { context: IntegrationContext }) => ({
          index, bindType: context.bindType, timers: context.timers, random: context.random,
        }),
      })),
      on: {
        'bind.status': { actions: 'recordBindStatus' },
        'bind.rebind': { actions: 'forwardRebind' },
        'integration.deactivate': { target: '.deactivating', actions: { type: 'setAfterStop', params: { afterStop: 'inactive' } } },
        'integration.update': { target: '.deactivating', actions: ['applyUpdate', { type: 'setAfterStop', params: { afterStop: 'restart' } }] },
        'integration.delete': { target: '.deactivating', actions: { type: 'setAfterStop', params: { afterStop: 'delete' } } },
      },
      initial: 'activating',
      states: {
        activating: {
          always: { guard: 'anyBound', target: 'active' },
          after: { bindWindow: 'failed' },
        },
        active: {
          initial: 'healthy',
          states: {
            healthy: { always: { guard: ({ context }) => !context.binds.every((b) => b.status === 'bound'), target: 'degraded' } },
            degraded: { always: { guard: 'allBound', target: 'healthy' } },
          },
        },
        // No bind within the window: tell the operator, keep retrying on the binds' capped backoff.
        failed: { always: { guard: 'anyBound', target: 'active' } },
        deactivating: {
          entry: 'stopBinds',
          always: { guard: 'allStopped', target: '#integration.settling' },
          on: {
            // Toggling while unbinding: remember the latest wish instead of interrupting the unbind.
            'integration.activate': { actions: { type: 'setAfterStop', params: { afterStop: 'restart' } } },
            'integration.deactivate': { actions: { type: 'setAfterStop', params: { afterStop: 'inactive' } } },
            'integration.update': { actions: ['applyUpdate', { type: 'setAfterStop', params: { afterStop: 'restart' } }] },
            'integration.delete': { actions: { type: 'setAfterStop', params: { afterStop: 'delete' } } },
          },
          after: { deactivateTimeout: '#integration.settling' },
        },
      },
    },
    settling: {
      always: [
        { guard: { type: 'afterStopIs', params: { is: 'delete' } }, target: 'deleted' },
        { guard: { type: 'afterStopIs', params: { is: 'restart' } }, target: 'running' },
        { target: 'inactive' },
      ],
    },
    deleted: { type: 'final' },
  },
});

export type IntegrationMachine = typeof integrationMachine;
