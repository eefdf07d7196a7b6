// What became of one BYO_MT message, and the JetStream settlement that follows from it. The single
// catalogue of MT outcomes: src/adapters/nats/mt-settlement.ts turns an outcome into exactly one of
// ack / nak(delay) / term / working, and nothing else in src settles a JetStream message (lint rule).
//
// Retriable outcomes go back to JetStream (nak) or keep their lease (working); permanent ones leave
// the work queue for good (ack or term), and only after their final status is stored.
import type { GenericError } from './error-map.js';

export type MtOutcome =
  /** every segment answered; the record and its status are stored */
  | { kind: 'recorded' }
  /** a repeat of a message already recorded: its record was replayed */
  | { kind: 'replayed' }
  /** refused before sending (invalid payload, source, opt-out...): its final `rejected` status is stored */
  | { kind: 'rejected'; error: GenericError }
  /** no integration will send it (unknown or deleted): its final `rejected` status is stored */
  | { kind: 'unroutable'; error: GenericError }
  /** a step failed (status not stored, tracking lookup failed, a bug): try the whole message again later */
  | { kind: 'deferred'; reason: string; delayMs: number }
  /** never started here (integration inactive, lane stopping): back to JetStream for whoever sends next */
  | { kind: 'released' }
  /** still being worked on (waiting for a bind, recording retrying): keep the lease */
  | { kind: 'inProgress' };

export type MtOutcomeKind = MtOutcome['kind'];

export type MtSettlement =
  | { action: 'ack' }
  | { action: 'nak'; delayMs: number }
  /** no redelivery; the reason is logged, never sent (see mt-settlement.ts: nats-server 2.9 keeps a
   *  work-queue message that is terminated with a reason) */
  | { action: 'term'; reason: string }
  | { action: 'working' };

/** Whether JetStream will offer the message again after this outcome. */
export const MT_OUTCOME_RETRIABLE: Readonly<Record<MtOutcomeKind, boolean>> = {
  recorded: false, replayed: false, rejected: false, unroutable: false, deferred: true, released: true, inProgress: true,
};

const describe = (e: GenericError) => `${e.genericErrorCause}: ${e.description}`;

export function mtSettlement(outcome: MtOutcome): MtSettlement {
  switch (outcome.kind) {
    case 'recorded':
    case 'replayed':
      return { action: 'ack' };
    case 'rejected':
    case 'unroutable':
      return { action: 'term', reason: describe(outcome.error) };
    case 'deferred':
      return { action: 'nak', delayMs: Math.max(0, outcome.delayMs) };
    case 'released':
      return { action: 'nak', delayMs: 0 };
    case 'inProgress':
      return { action: 'working' };
  }
}
