// A scripted stand-in for the SMPP session actor, for machine tests under a simulated clock.
// Behaviour is decided per bind index so one test can model "one bind of three drops".
import { fromCallback, type AnyActorRef } from 'xstate';
import type { BindEvent, SessionCommand } from '../../src/machines/bind-machine.js';

export interface FakeSessionScript {
  /** connect outcome: 'ok' reports smpp.connected, 'refused' reports smpp.closed, 'silent' reports nothing */
  connect?: (index: number, attempt: number) => 'ok' | 'refused' | 'silent';
  /** bind_resp command_status, or 'silent' for no answer */
  bindStatus?: (index: number, attempt: number) => number | 'silent';
  /** whether enquire_link gets answered */
  answerEnquireLink?: (index: number) => boolean;
  /** whether unbind gets an unbind_resp (default true); false models an SMSC that never answers */
  answerUnbind?: (index: number) => boolean;
}

export interface FakeSessionLog {
  starts: number[];
  commands: { index: number; command: SessionCommand['type'] }[];
  /** the live sendBack per bind index, to inject socket facts (smpp.closed, pdu.unbind...) */
  live: Map<number, (e: BindEvent) => void>;
}

export function fakeSession(script: FakeSessionScript = {}) {
  const log: FakeSessionLog = { starts: [], commands: [], live: new Map() };
  const attempts = new Map<number, number>();
  const logic = fromCallback<SessionCommand, { index: number }>(({ input, sendBack, receive }) => {
    const { index } = input;
    const attempt = (attempts.get(index) ?? 0) + 1;
    attempts.set(index, attempt);
    log.starts.push(index);
    log.live.set(index, sendBack as (e: BindEvent) => void);
    const connect = script.connect?.(index, attempt) ?? 'ok';
    if (connect === 'ok') sendBack({ type: 'smpp.connected' });
    if (connect === 'refused') sendBack({ type: 'smpp.closed', reason: 'connect ECONNREFUSED' });
    receive((cmd) => {
      log.commands.push({ index, command: cmd.type });
      if (cmd.type === 'session.bind') {
        const status = script.bindStatus?.(index, attempt) ?? 0;
        if (status !== 'silent') sendBack({ type: 'session.bind_resp', commandStatus: status });
      } else if (cmd.type === 'session.enquire_link') {
        if (script.answerEnquireLink?.(index) ?? true) sendBack({ type: 'session.enquire_link_resp' });
      } else if (cmd.type === 'session.unbind') {
        if (script.answerUnbind?.(index) ?? true) sendBack({ type: 'session.unbind_resp' });
      }
    });
    return () => log.live.delete(index);
  });
  return { logic, log };
}

export const childOf = (actor: AnyActorRef, id: string): AnyActorRef | undefined =>
  (actor.getSnapshot() as { children: Record<string, AnyActorRef | undefined> }).children[id];
