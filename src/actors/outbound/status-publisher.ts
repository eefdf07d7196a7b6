// Publishes message statuses on byo.status.<org>.<integration> (stream BYO_STATUS). Each carries a
// Nats-Msg-Id per (message, phase), so a status replayed after a crash is dropped by JetStream and
// users see exactly one `submitted` and one final status per message.
import { type JsPublisher, subjects } from '../../adapters/nats/index.js';
import type { GenericError, StatusPayload, StatusState } from '../../domain/index.js';

export interface StatusPublisher {
  submitted(org: string, integration: string, id: string, smscIds: string[]): Promise<void>;
  final(org: string, integration: string, id: string, state: Exclude<StatusState, 'submitted'>, segments: number,
    smscIds: string[], error?: GenericError): Promise<void>;
  /** an SME acknowledgement for the message (one per message: JetStream drops repeats) */
  acknowledged(org: string, integration: string, id: string, ack: 'delivery' | 'manual', segments: number, smscIds: string[]): Promise<void>;
}

export function natsStatusPublisher(js: JsPublisher, now: () => Date, onPublished?: (state: StatusState) => void): StatusPublisher {
  const publish = async (org: string, integration: string, payload: StatusPayload, phase: 'submitted' | 'final' | 'acknowledged') => {
    await js.publish(subjects.status(org, integration), JSON.stringify(payload), { msgId: subjects.statusMsgId(org, integration, payload.id, phase) });
    onPublished?.(payload.state);
  };
  return {
    submitted: (org, integration, id, smscIds) =>
      publish(org, integration, { id, state: 'submitted', segments: smscIds.length, smscMessageIds: smscIds, at: now().toISOString() }, 'submitted'),
    final: (org, integration, id, state, segments, smscIds, error) =>
      publish(org, integration, {
        id, state, segments, smscMessageIds: smscIds, ...(error ? { error: { ...error } } : {}), at: now().toISOString(),
      }, 'final'),
    acknowledged: (org, integration, id, ack, segments, smscIds) =>
      publish(org, integration, { id, state: 'acknowledged', ack, segments, smscMessageIds: smscIds, at: now().toISOString() }, 'acknowledged'),
  };
}
