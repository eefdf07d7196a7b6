import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { subscriberMachine, type SubscriberMachineEvent, type SubscriberState } from '../../src/machines/subscriber-machine.js';

/** Pure steps: the value after each keyword. */
function walk(restored: SubscriberState, events: SubscriberMachineEvent['type'][]): string[] {
  let [snapshot] = initialTransition(subscriberMachine, { state: restored });
  const values: string[] = [snapshot.value as string];
  for (const type of events) {
    [snapshot] = transition(subscriberMachine, snapshot, { type });
    values.push(snapshot.value as string);
  }
  return values;
}

describe('subscriber machine (pure transitions)', () => {
  it('starts in the state restored from KV, never in between', () => {
    expect(walk('subscribed', [])).toEqual(['subscribed']);
    expect(walk('optedOut', [])).toEqual(['optedOut']);
  });

  it('opts out on an opt-out keyword and back in only on an opt-in keyword', () => {
    expect(walk('subscribed', ['keyword.optOut', 'keyword.help', 'keyword.optOut', 'keyword.optIn', 'keyword.help']))
      .toEqual(['subscribed', 'optedOut', 'optedOut', 'optedOut', 'subscribed', 'subscribed']);
  });

  it('ignores an opt-in while subscribed and keeps a restored opt-out through HELP', () => {
    expect(walk('subscribed', ['keyword.optIn'])).toEqual(['subscribed', 'subscribed']);
    expect(walk('optedOut', ['keyword.help', 'keyword.optIn'])).toEqual(['optedOut', 'optedOut', 'subscribed']);
  });
});
