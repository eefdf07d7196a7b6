// A scripted stand-in for the SMPP session actor, for machine tests under a simulated clock.
// Behaviour is decided per bind index so one test can model "one bind of three drops".
import { fromCallback, type AnyActorRef } from 'xstate';
import type { BindEvent, SessionCommand } from '../../src/machines/bind-machine.js';
import { KeepAlive, type KeepAliveClock } from '../../src/adapters/smpp/index.js';

/** the test's clock (a SimulatedClock): the keep-alive runs on it as the real one runs on the engine's */
export type FakeSessionClock = KeepAliveClock & { now(): number };

export interface FakeSessionScript {
  /** connect outcome: 'ok' reports smpp.connected, 'refused' reports smpp.closed, 'silent' reports nothing */
  connect?: (index: number, attempt: number) => 'ok' | 'refused' | 'silent';
  /** bind_resp command_status, or 'silent' for no answer */
  bindStatus?: (index: number, attempt: number) => number | 'silent';
  /** whether enquire_link gets answered (the session's real KeepAlive sends them, on the test's clock) */
  answerEnquireLink?: (index: number) => boolean;
  /** whether unbind gets an unbind_resp (default true); false models an SMSC that never answers */
  answerUnbind?: (index: number) => boolean;
}

export interface FakeSessionLog {
  starts: number[];
  /** machine commands, and each enquire_link the keep-alive sent ('enquire_link') */
  commands: { index: number; command: SessionCommand['type'] | 'enquire_link' }[];
  /** the live sendBack per bind index, to inject socket facts (smpp.closed, pdu.unbind...) */
  live: Map<number, (e: BindEvent) => void>;
  /** the SMSC sent bind `index` something (an enquire_link of its own, a deliver_sm) just now */
  heard: (index: number) => void;
}

export function fakeSession(script: FakeSessionScript = {}, clock?: FakeSessionClock) {
  const lastHeard = new Map<number, number>();
  const log: FakeSessionLog = { starts: [], commands: [], live: new Map(), heard: (i) => lastHeard.set(i, clock?.now() ?? 0) };
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
    let keepAlive: KeepAlive | undefined;
    receive((cmd) => {
      log.commands.push({ index, command: cmd.type });
      if (cmd.type !== 'session.bind') keepAlive?.stop();
      if (cmd.type === 'session.bind') {
        const status = script.bindStatus?.(index, attempt) ?? 0;
        if (status !== 'silent') sendBack({ type: 'session.bind_resp', commandStatus: status });
      } else if (cmd.type === 'session.keep_alive') {
        if (!clock) throw new Error('fakeSession: pass the test clock to run keep-alives');
        keepAlive = new KeepAlive({
          intervalMs: cmd.intervalMs, timeoutMs: cmd.timeoutMs, clock, now: () => clock.now(), lastHeard: () => lastHeard.get(index) ?? 0,
          ping: (done) => {
            log.commands.push({ index, command: 'enquire_link' });
            // unanswered: the keeper's own deadline reports the link lost
            if (script.answerEnquireLink?.(index) ?? true) queueMicrotask(() => done());
          },
          onLost: (reason) => sendBack({ type: 'session.link_lost', reason }),
        });
      } else if (cmd.type === 'session.unbind') {
        if (script.answerUnbind?.(index) ?? true) sendBack({ type: 'session.unbind_resp' });
      }
    });
    return () => {
      keepAlive?.stop();
      log.live.delete(index);
    };
  });
  return { logic, log };
}

export const childOf = (actor: AnyActorRef, id: string): AnyActorRef | undefined =>
  (actor.getSnapshot() as { children: Record<string, AnyActorRef | undefined> }).children[id];
