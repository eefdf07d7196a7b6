import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import {
  numberMachine, numberStateOf, SENDABLE_TAG, type NumberMachineEvent, type NumberMachineInput, type NumberMachineSnapshot,
} from '../../src/machines/number-machine.js';

const input = (over: Partial<NumberMachineInput> = {}): NumberMachineInput => ({
  e164: '+14155552671', org: 'acme', integration: 'smsc1', integrationActive: true, ...over,
});

/** Pure steps: the value after each event. */
function walk(start: NumberMachineInput, events: NumberMachineEvent['type'][]): string[] {
  let [snapshot] = initialTransition(numberMachine, start);
  const values: string[] = [snapshot.value];
  for (const type of events) {
    [snapshot] = transition(numberMachine, snapshot, { type } as NumberMachineEvent);
    values.push(snapshot.value);
  }
  return values;
}

describe('number machine (pure transitions)', () => {
  it('starts provisioning and becomes active once provisioned while its integration is active', () => {
    expect(walk(input(), ['number.provisioned'])).toEqual(['provisioning', 'active']);
  });

  it('becomes disabled once provisioned while its integration is not active', () => {
    expect(walk(input({ integrationActive: false }), ['number.provisioned'])).toEqual(['provisioning', 'disabled']);
  });

  it('remembers integration changes during provisioning', () => {
    expect(walk(input(), ['integration.inactive', 'number.provisioned'])).toEqual(['provisioning', 'provisioning', 'disabled']);
    expect(walk(input({ integrationActive: false }), ['integration.active', 'number.provisioned']))
      .toEqual(['provisioning', 'provisioning', 'active']);
  });

  it('follows its integration between active and disabled', () => {
    expect(walk(input(), ['number.provisioned', 'integration.inactive', 'integration.inactive', 'integration.active', 'integration.active']))
      .toEqual(['provisioning', 'active', 'disabled', 'disabled', 'active', 'active']);
  });

  it('ignores a repeated number.provisioned', () => {
    expect(walk(input(), ['number.provisioned', 'integration.inactive', 'number.provisioned']))
      .toEqual(['provisioning', 'active', 'disabled', 'disabled']);
  });

  it.each([
    [[] as NumberMachineEvent['type'][]],
    [['number.provisioned'] as NumberMachineEvent['type'][]],
    [['number.provisioned', 'integration.inactive'] as NumberMachineEvent['type'][]],
  ])('is released from any state (after %j) and then ignores everything', (before) => {
    const values = walk(input(), [...before, 'number.release', 'integration.active', 'number.provisioned']);
    expect(values.slice(-3)).toEqual(['released', 'released', 'released']);
  });

  it('ends with the number as output when released', () => {
    let [snapshot] = initialTransition(numberMachine, input());
    [snapshot] = transition(numberMachine, snapshot, { type: 'number.release' });
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({ e164: '+14155552671' });
  });

  it('restores a provisioned number straight into active or disabled', () => {
    expect(walk(input({ provisioned: true }), [])).toEqual(['active']);
    expect(walk(input({ provisioned: true, integrationActive: false }), [])).toEqual(['disabled']);
  });

  it('tags only the active state as sendable and maps values to stored states', () => {
    let [snapshot]: [NumberMachineSnapshot, unknown] = initialTransition(numberMachine, input());
    expect(snapshot.hasTag(SENDABLE_TAG)).toBe(false);
    expect(numberStateOf(snapshot)).toBe('provisioning');
    [snapshot] = transition(numberMachine, snapshot, { type: 'number.provisioned' });
    expect(snapshot.hasTag(SENDABLE_TAG)).toBe(true);
    expect(numberStateOf(snapshot)).toBe('active');
    [snapshot] = transition(numberMachine, snapshot, { type: 'integration.inactive' });
    expect(snapshot.hasTag(SENDABLE_TAG)).toBe(false);
    expect(numberStateOf(snapshot)).toBe('disabled');
  });

  it('performs no actions a caller would have to execute (all are assigns)', () => {
    const [s0, initialActions] = initialTransition(numberMachine, input());
    const [, actions] = transition(numberMachine, s0, { type: 'number.provisioned' });
    const external = [...initialActions, ...actions].filter((a) => !String(a.type).startsWith('xstate.'));
    expect(external).toEqual([]);
  });
});

describe('number machine (actor)', () => {
  it('runs the lifecycle and completes on release', () => {
    const actor = createActor(numberMachine, { input: input({ integrationActive: false }) });
    const errors: unknown[] = [];
    const seen: string[] = [];
    actor.subscribe({ next: (s) => seen.push(s.value), error: (e) => errors.push(e) });
    actor.start();
    actor.send({ type: 'number.provisioned' });
    actor.send({ type: 'integration.active' });
    actor.send({ type: 'integration.inactive' });
    actor.send({ type: 'number.release' });
    expect(seen).toEqual(['provisioning', 'disabled', 'active', 'disabled', 'released']);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({ e164: '+14155552671' });
    expect(errors).toEqual([]);
  });
});
