// One imported sender number. It is usable ("active") only once provisioned and while its
// integration is active; the reference disables every number of a deactivated integration and
// brings them back on activation. Pure: the actor layer persists, then sends the facts as events.
import { assign, setup, type SnapshotFrom } from 'xstate';
import type { NumberState } from '../domain/index.js';

export interface NumberMachineInput {
  e164: string;
  org: string;
  integration: string;
  /** the integration's current activity, as the actor layer knows it when it starts the number */
  integrationActive: boolean;
  /** true when restoring a number already provisioned (its record says active or disabled) */
  provisioned?: boolean;
}

export interface NumberMachineContext {
  e164: string;
  org: string;
  integration: string;
  integrationActive: boolean;
  provisioned: boolean;
}

export type NumberMachineEvent =
  /** the actor layer persisted the number: provisioning is over */
  | { type: 'number.provisioned' }
  | { type: 'number.release' }
  | { type: 'integration.active' }
  | { type: 'integration.inactive' };

/** Carried by the state in which outbound traffic may use this number as its sender. */
export const SENDABLE_TAG = 'sendable';

export const numberMachine = setup({
  types: {
    context: {} as NumberMachineContext,
    events: {} as NumberMachineEvent,
    input: {} as NumberMachineInput,
    output: {} as { e164: string },
    tags: {} as typeof SENDABLE_TAG,
  },
  actions: {
    markProvisioned: assign({ provisioned: true }),
    noteIntegrationActive: assign({ integrationActive: true }),
    noteIntegrationInactive: assign({ integrationActive: false }),
  },
  guards: {
    integrationIsActive: ({ context }) => context.integrationActive,
    restoredWhileActive: ({ context }) => context.provisioned && context.integrationActive,
    restored: ({ context }) => context.provisioned,
  },
}).createMachine({
  id: 'number',
  context: ({ input }) => ({
    e164: input.e164,
    org: input.org,
    integration: input.integration,
    integrationActive: input.integrationActive,
    provisioned: input.provisioned ?? false,
  }),
  initial: 'provisioning',
  // The integration's activity is tracked in every state, so provisioning ends in the right place.
  on: {
    'number.release': { target: '.released' },
    'integration.active': { actions: 'noteIntegrationActive' },
    'integration.inactive': { actions: 'noteIntegrationInactive' },
  },
  states: {
    provisioning: {
      // Only taken at start, when restoring a number that finished provisioning before a restart.
      always: [
        { guard: 'restoredWhileActive', target: 'active' },
        { guard: 'restored', target: 'disabled' },
      ],
      on: {
        'number.provisioned': [
          { guard: 'integrationIsActive', target: 'active', actions: 'markProvisioned' },
          { target: 'disabled', actions: 'markProvisioned' },
        ],
      },
    },
    active: {
      tags: [SENDABLE_TAG],
      on: { 'integration.inactive': { target: 'disabled', actions: 'noteIntegrationInactive' } },
    },
    disabled: {
      on: { 'integration.active': { target: 'active', actions: 'noteIntegrationActive' } },
    },
    released: { type: 'final' },
  },
  output: ({ context }) => ({ e164: context.e164 }),
});

export type NumberMachineSnapshot = SnapshotFrom<typeof numberMachine>;

/** The snapshot's state as the inventory stores it (state names are the stored states). */
export function numberStateOf(snapshot: NumberMachineSnapshot): NumberState {
  return snapshot.value;
}
