// The bind machine waits for its turn in the bind-attempt budget before every attempt: a pure
// machine test with a permit actor the test grants by hand, under a simulated clock.
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { bindMachine, type BindEvent } from '../../src/machines/bind-machine.js';
import { fakeSession } from '../helpers/fake-session-actor.js';
import { TIMERS } from './timers.js';

function startBind(script: Parameters<typeof fakeSession>[0] = {}) {
  const permits: { grant: () => void; withdrawn: boolean }[] = [];
  const permit = fromCallback<BindEvent, { index: number }>(({ sendBack }) => {
    const p = { grant: () => sendBack({ type: 'bind.attempt_granted' }), withdrawn: false };
    permits.push(p);
    return () => {
      p.withdrawn = true;
    };
  });
  const clock = new SimulatedClock();
  const { logic } = fakeSession(script, clock);
  // standalone (no integration parent): the reports to the parent go nowhere
  const machine = bindMachine.provide({
    actors: { smppSession: logic, bindAttemptPermit: permit },
    actions: { reportBound: () => undefined, reportDown: () => undefined, reportStopped: () => undefined },
  });
  const actor = createActor(machine, {
    clock, input: { index: 1, bindType: 'transceiver', timers: TIMERS, random: () => 0.5 },
  });
  actor.start();
  return { actor, clock, permits };
}

describe('bind machine and the bind-attempt budget', () => {
  it('after its stagger, waits queued (no socket) until its attempt is granted', () => {
    const { actor, clock, permits } = startBind();
    expect(actor.getSnapshot().value).toEqual({ idle: 'staggering' });
    clock.increment(TIMERS.bindStaggerMs);
    expect(actor.getSnapshot().value).toEqual({ idle: 'queued' });
    expect(permits).toHaveLength(1);
    clock.increment(60_000);
    expect(actor.getSnapshot().value).toEqual({ idle: 'queued' });
    permits[0]!.grant();
    expect(actor.getSnapshot().matches('online')).toBe(true);
    expect(permits[0]!.withdrawn).toBe(true); // leaving the state ends the request
  });

  it('after a failed attempt, waits out the backoff and then queues again', () => {
    const { actor, clock, permits } = startBind({ bindStatus: () => 0x0d });
    clock.increment(TIMERS.bindStaggerMs);
    permits[0]!.grant();
    expect(actor.getSnapshot().value).toEqual({ backoff: 'waiting' });
    clock.increment(actor.getSnapshot().context.backoffMs);
    expect(actor.getSnapshot().value).toEqual({ backoff: 'queued' });
    expect(permits).toHaveLength(2);
    permits[1]!.grant();
    expect(actor.getSnapshot().matches('online')).toBe(false); // refused again: back to backoff
    expect(actor.getSnapshot().context.attempt).toBe(2);
  });

  it('a bind stopped while queued withdraws its request', () => {
    const { actor, clock, permits } = startBind();
    clock.increment(TIMERS.bindStaggerMs);
    actor.send({ type: 'bind.stop' });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(permits[0]!.withdrawn).toBe(true);
  });
});
