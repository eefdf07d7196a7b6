// Publishes operational events to byo.events.<org>.<integration>.<kind>.<event> (kept by BYO_EVENTS).
// Fire-and-forget with a logged failure: an event must never block or break a state transition.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { OperationalEvent } from '../../domain/index.js';
import { subjects } from './subjects.js';

export function natsEventSink(js: JetStreamClient, logger: Logger) {
  return (event: OperationalEvent): void => {
    const [kind, name] = [event.actor.kind, event.type.slice(event.actor.kind.length + 1)];
    const subject = subjects.event(event.org, event.integration, kind, name);
    js.publish(subject, JSON.stringify(event)).catch((err: unknown) => {
      logger.warn({ err, subject }, 'operational event not stored');
    });
    logger.debug({ event: event.type, org: event.org, integration: event.integration, to: event.to }, 'operational event');
  };
}
