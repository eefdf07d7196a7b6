// One (sender number, handset) pair's compliance state: a handset that texts an opt-out keyword is
// optedOut until it texts an opt-in keyword. HELP changes nothing. Pure: the actor layer persists
// the state to KV `byo_subscribers` and turns transitions into `subscriber.*` events.
import { setup } from 'xstate';

export const SUBSCRIBER_STATES = ['subscribed', 'optedOut'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

export interface SubscriberMachineInput {
  /** the state persisted in KV, or subscribed for a handset never seen */
  state: SubscriberState;
}

export type SubscriberMachineEvent = { type: 'keyword.optOut' } | { type: 'keyword.optIn' } | { type: 'keyword.help' };

export const subscriberMachine = setup({
  types: {
    input: {} as SubscriberMachineInput,
    context: {} as { restored: SubscriberState },
    events: {} as SubscriberMachineEvent,
  },
  guards: {
    restoredOptedOut: ({ context }) => context.restored === 'optedOut',
  },
}).createMachine({
  id: 'subscriber',
  context: ({ input }) => ({ restored: input.state }),
  initial: 'restoring',
  states: {
    // decided once from the input: a restored opt-out must stay an opt-out
    restoring: {
      always: [{ guard: 'restoredOptedOut', target: 'optedOut' }, { target: 'subscribed' }],
    },
    subscribed: {
      on: { 'keyword.optOut': 'optedOut' },
    },
    optedOut: {
      on: { 'keyword.optIn': 'subscribed' },
    },
  },
});
