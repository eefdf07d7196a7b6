// One provided integration machine definition per engine: every integration shares it, and each
// integration's sessions still use that integration's own deps (found through its actor system).
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createActor, waitFor } from 'xstate';
import { integrationDefinition, hostSessions } from '../../src/actors/integration-definition.js';
import { BindAttemptBudget } from '../../src/actors/bind-attempt-budget.js';
import type { SessionActorDeps } from '../../src/actors/smpp-session-actor.js';
import { TIMERS } from '../machines/timers.js';

const logger = pino({ level: 'silent' });

function integration(id: string, deps?: SessionActorDeps) {
  const actor = createActor(integrationDefinition(), {
    input: { org: 'acme', id, bindType: 'transceiver', timers: TIMERS, random: () => 0.5 },
  });
  if (deps) hostSessions(actor.system, deps);
  actor.start();
  actor.send({ type: 'integration.activate' });
  return actor;
}

/** deps whose sessions cannot start, with a reason naming their integration */
const refusing = (name: string): SessionActorDeps => ({
  params: () => { throw new Error(`no credentials for ${name}`); },
  onBound: () => undefined,
  onDeliverSm: () => undefined,
  logger,
});

const firstBindError = async (actor: ReturnType<typeof integration>) => {
  const snap = await waitFor(actor, (s) => s.context.binds[0]!.lastError !== undefined, { timeout: 5_000 });
  return snap.context.binds[0]!.lastError!.reason;
};

describe('integrationDefinition', () => {
  it('is one definition per bind-attempt budget', () => {
    const a = new BindAttemptBudget(10);
    const b = new BindAttemptBudget(10);
    expect(integrationDefinition()).toBe(integrationDefinition());
    expect(integrationDefinition(a)).toBe(integrationDefinition(a));
    expect(integrationDefinition(a)).not.toBe(integrationDefinition(b));
    expect(integrationDefinition(a)).not.toBe(integrationDefinition());
  });

  it("runs each integration's sessions with that integration's own deps", async () => {
    const one = integration('i1', refusing('i1'));
    const two = integration('i2', refusing('i2'));
    expect(await firstBindError(one)).toBe('cannot start session: no credentials for i1');
    expect(await firstBindError(two)).toBe('cannot start session: no credentials for i2');
    one.stop();
    two.stop();
  });

  it('reports a clear reason, not a crash, for a session under an unregistered actor', async () => {
    const orphan = integration('i3');
    expect(await firstBindError(orphan)).toBe('cannot start session: no integration registered for this actor');
    orphan.stop();
  });
});
