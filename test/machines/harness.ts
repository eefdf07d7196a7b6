// Integration + bind machines with a scripted session, under a simulated clock.
import { createActor, SimulatedClock, type Actor } from 'xstate';
import { integrationMachine, type IntegrationInput } from '../../src/machines/integration-machine.js';
import { bindMachine } from '../../src/machines/bind-machine.js';
import { fakeSession, type FakeSessionScript } from '../helpers/fake-session-actor.js';
import { TIMERS } from './timers.js';

export function start(script: FakeSessionScript = {}, overrides: Partial<IntegrationInput> = {}) {
  const clock = new SimulatedClock();
  const { logic, log } = fakeSession(script, clock);
  const machine = integrationMachine.provide({ actors: { bind: bindMachine.provide({ actors: { smppSession: logic } }) } });
  const errors: unknown[] = [];
  const actor = createActor(machine, {
    clock,
    input: { org: 'acme', id: 'i1', bindType: 'transceiver', timers: TIMERS, random: () => 0.5, ...overrides },
  });
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  return { actor, clock, log, errors };
}

/** SimulatedClock fires each due timer once per increment: step so timers set while firing run too. */
export function advance(clock: SimulatedClock, ms: number, stepMs = 100) {
  if (ms === 0) clock.increment(0);
  for (let t = 0; t < ms; t += stepMs) clock.increment(Math.min(stepMs, ms - t));
}

/** advance(), letting promise callbacks (the keep-alive's enquire_link_resp) run after each step */
export async function advanceAsync(clock: SimulatedClock, ms: number, stepMs = 100) {
  for (let t = 0; t < ms; t += stepMs) {
    clock.increment(Math.min(stepMs, ms - t));
    for (let i = 0; i < 4; i++) await Promise.resolve();
  }
}

export const value = (actor: Actor<typeof integrationMachine>) => actor.getSnapshot().value;
export const slots = (actor: Actor<typeof integrationMachine>) => actor.getSnapshot().context.binds.map((b) => b.status);

