// What the supervisor and its integration actors tell the rest of the engine: an integration started
// or stopped running here, changed, was deleted, or received a deliver_sm. Outbound, inbound and the
// number fleet subscribe when they are constructed, so engine.ts only builds things in order and
// nobody holds a callback into something built later.
import type { Logger } from 'pino';
import type { DeliverSm, SmppSession } from '../adapters/smpp/index.js';
import type { IntegrationActor, IntegrationChange } from './integration-actor.js';

export interface IntegrationEventMap {
  /** the integration runs here now (claimed, actor started) */
  started: [actor: IntegrationActor];
  /** its state, its config, or only its send capacity changed (capacity: often, under load) */
  changed: [actor: IntegrationActor, change: IntegrationChange];
  /** it is about to stop here (hand-over, lost claim, delete, shutdown): finish in-flight work; awaited */
  stopping: [actor: IntegrationActor];
  /** it no longer runs here */
  stopped: [actor: IntegrationActor];
  /** its machine reached `deleted`: release what hangs off it; awaited before the record is erased */
  deleted: [org: string, id: string];
  /** a receipt or inbound message; one subscriber must answer it through `session.respondDeliverSm` */
  deliverSm: [actor: IntegrationActor, session: SmppSession, pdu: DeliverSm];
}

export type IntegrationEventName = keyof IntegrationEventMap;
type Handler<K extends IntegrationEventName> = (...args: IntegrationEventMap[K]) => void | Promise<void>;

const DONE = Promise.resolve();

export class IntegrationEvents {
  private readonly handlers: { [K in IntegrationEventName]: Handler<K>[] } = {
    started: [], changed: [], stopping: [], stopped: [], deleted: [], deliverSm: [],
  };

  constructor(private readonly logger: Pick<Logger, 'warn'>) {}

  on<K extends IntegrationEventName>(type: K, handler: Handler<K>): void {
    this.handlers[type].push(handler);
  }

  /**
   * Calls every handler in subscription order and resolves when the asynchronous ones are done.
   * A handler that throws is logged and keeps none of the others from running; one that rejects
   * makes the returned promise reject once all have settled (the caller decides: the supervisor
   * retries erasing a deleted integration). With only synchronous handlers nothing is allocated.
   */
  emit<K extends IntegrationEventName>(type: K, ...args: IntegrationEventMap[K]): Promise<void> {
    let pending: Promise<void>[] | undefined;
    for (const handler of this.handlers[type]) {
      try {
        const done = handler(...args);
        if (done) (pending ??= []).push(done);
      } catch (err) {
        this.logger.warn({ err, event: type }, 'an integration event handler failed');
      }
    }
    if (!pending) return DONE;
    return Promise.allSettled(pending).then((results) => {
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} ${type} handlers failed`);
    });
  }

  /** emit without waiting: a rejected handler is logged (the hot path: capacity changes, deliver_sm) */
  notify<K extends IntegrationEventName>(type: K, ...args: IntegrationEventMap[K]): void {
    const done = this.emit(type, ...args);
    if (done !== DONE) done.catch((err: unknown) => this.logger.warn({ err, event: type }, 'an integration event handler failed'));
  }
}
