// The one place a BYO_MT message is settled with JetStream (lint forbids .ack/.nak/.term/.working on
// a message anywhere else in src): the outcome catalogue (src/domain/mt-outcome.ts) says which action.
//
// term() is sent without a reason. nats-server 2.9.10 (what this project runs on) treats a
// `+TERM <reason>` as an unknown ack and leaves the message in the work-queue stream, where the
// unroutable sweep would find it again and give it a second, different final status. The reason goes
// to the log instead.
import type { JsMsg } from '@nats-io/jetstream';
import { mtSettlement, type MtOutcome, type MtSettlement } from '../../domain/index.js';

export type SettleableMsg = Pick<JsMsg, 'ack' | 'nak' | 'term' | 'working' | 'seq'>;

export interface SettlementLogger {
  debug(obj: object, msg: string): void;
}

/** Settles `msg` as its outcome says; returns what was done (for logs and tests). */
export function settleMt(msg: SettleableMsg, outcome: MtOutcome, log?: SettlementLogger): MtSettlement {
  const s = mtSettlement(outcome);
  switch (s.action) {
    case 'ack':
      msg.ack();
      break;
    case 'nak':
      if (s.delayMs > 0) msg.nak(s.delayMs);
      else msg.nak();
      break;
    case 'term':
      log?.debug({ seq: msg.seq, reason: s.reason }, 'MT message terminated');
      msg.term();
      break;
    case 'working':
      msg.working();
      break;
  }
  return s;
}
