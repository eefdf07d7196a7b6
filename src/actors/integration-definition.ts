// The provided integration machine definition, built once per bind-attempt budget (i.e. once per engine)
// and shared by every integration. xstate builds a whole tree of StateNodes at each `.provide(...)`, so
// providing per integration (with closures over that integration) cost two machine definitions per
// integration. What differs per integration (its config, credentials, bound sessions) is found instead
// through the actor system its integration actor is the root of, registered before the actor starts.
import { integrationMachine, bindMachine } from '../machines/index.js';
import { hostedSmppSessionLogic, type SessionActorDeps, type SessionSystem } from './smpp-session-actor.js';
import { bindAttemptPermitLogic, type BindAttemptBudget } from './bind-attempt-budget.js';

export type IntegrationDefinition = typeof integrationMachine;

const hosts = new WeakMap<SessionSystem, SessionActorDeps>();
const session = hostedSmppSessionLogic((system) => hosts.get(system));
const unbudgeted: IntegrationDefinition = integrationMachine.provide({
  actors: { bind: bindMachine.provide({ actors: { smppSession: session } }) },
});
const budgeted = new WeakMap<BindAttemptBudget, IntegrationDefinition>();

/** The one definition for integrations whose bind attempts wait on `budget` (none: attempts start at once). */
export function integrationDefinition(budget?: BindAttemptBudget): IntegrationDefinition {
  if (!budget) return unbudgeted;
  let machine = budgeted.get(budget);
  if (!machine) {
    const binds = bindMachine.provide({ actors: { smppSession: session, bindAttemptPermit: bindAttemptPermitLogic(budget) } });
    machine = integrationMachine.provide({ actors: { bind: binds } });
    budgeted.set(budget, machine);
  }
  return machine;
}

/** Sessions started anywhere under `system` (an integration actor's) use these deps; held weakly. */
export function hostSessions(system: SessionSystem, deps: SessionActorDeps): void {
  hosts.set(system, deps);
}
