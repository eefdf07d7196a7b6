// Every createActor goes through here: an error observer (XState rethrows unobserved errors from
// timers, which would kill Node) and a child logger per actor.
import { createActor, type AnyStateMachine, type Actor, type ActorOptions, type InspectionEvent } from 'xstate';
import type { Logger } from 'pino';

export type StartActorOptions<M extends AnyStateMachine> = Omit<ActorOptions<M>, 'inspect' | 'logger'> & {
  logger: Logger;
  onError?: (err: unknown) => void;
  onInspect?: (e: InspectionEvent) => void;
  /** runs after the actor (and its system) exists, before it starts */
  beforeStart?: (actor: Actor<M>) => void;
};

export function startActor<M extends AnyStateMachine>(machine: M, opts: StartActorOptions<M>): Actor<M> {
  const { logger, onError, onInspect, beforeStart, ...actorOptions } = opts;
  const actor = createActor(machine, {
    ...actorOptions,
    ...(onInspect ? { inspect: onInspect } : {}),
  } as ActorOptions<M>) as Actor<M>;
  actor.subscribe({
    error: (err) => {
      logger.error({ err }, 'actor failed');
      onError?.(err);
    },
  });
  beforeStart?.(actor);
  actor.start();
  return actor;
}
