// The real `smppSession` actor for the bind machine: one SMPP socket per bind attempt. It turns
// machine commands into requests and socket facts into machine events; it decides nothing.
import { fromCallback, type CallbackLogicFunction } from 'xstate';
import type { Logger } from 'pino';
import type { BindEvent, SessionCommand } from '../machines/index.js';
import {
  createSmppSession, KeepAlive, type BindRequest, type ChangeCounter, type DeliverSm, type KeepAliveClock, type SessionOptions, type SmppSession,
} from '../adapters/smpp/index.js';
import { COMMAND_STATUS } from '../domain/index.js';

export interface SessionActorDeps {
  /** read at every attempt, so a re-bind picks up the latest config and credentials */
  params: () => { options: SessionOptions; bind: BindRequest };
  /** a bound session (or undefined when it is gone): the outbound dispatcher sends through it */
  onBound: (index: number, session: SmppSession | undefined) => void;
  onDeliverSm: (index: number, session: SmppSession, pdu: DeliverSm) => void;
  onWindowOpen?: (index: number) => void;
  logger: Logger;
  /** the keep-alive's timers (the engine's grid clock); Node's own timers when absent */
  clock?: KeepAliveClock;
  /** counted when a session's window in use changes (what the state view shows of it) */
  windowChanges?: ChangeCounter;
}

const NODE_CLOCK: KeepAliveClock = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

type SessionArgs = Parameters<CallbackLogicFunction<SessionCommand, BindEvent, { index: number }>>[0];
/** the actor system an integration actor roots (one per integration) */
export type SessionSystem = SessionArgs['system'];

export function smppSessionLogic(deps: SessionActorDeps) {
  return fromCallback<SessionCommand, { index: number }>((args) => runSession(deps, args));
}

/**
 * One session logic for every integration (so one provided machine definition serves them all): each
 * session finds its integration's deps by the actor system its integration actor is the root of.
 */
export function hostedSmppSessionLogic(hostOf: (system: SessionSystem) => SessionActorDeps | undefined) {
  return fromCallback<SessionCommand, { index: number }>((args) => {
    const deps = hostOf(args.system);
    if (deps) return runSession(deps, args);
    let stopped = false;
    queueMicrotask(() => {
      if (!stopped) args.sendBack({ type: 'smpp.closed', reason: 'cannot start session: no integration registered for this actor' });
    });
    return () => { stopped = true; };
  });
}

function runSession(deps: SessionActorDeps, { input, sendBack, receive }: SessionArgs): () => void {
  const { index } = input;
  let stopped = false;
  const report = (e: BindEvent) => {
    if (!stopped) sendBack(e);
  };
  let params: ReturnType<SessionActorDeps['params']>;
  try {
    params = deps.params();
  } catch (err) {
    // e.g. credentials that no longer decrypt: a clear reason on the bind, never a crash
    queueMicrotask(() => report({ type: 'smpp.closed', reason: `cannot start session: ${(err as Error).message}` }));
    return () => { stopped = true; };
  }
  let keepAlive: KeepAlive | undefined;
  const session: SmppSession = createSmppSession(params.options, (e) => {
    switch (e.type) {
      case 'smpp.closed':
        keepAlive?.stop();
        deps.onBound(index, undefined);
        report(e);
        break;
      case 'pdu.deliver_sm':
        deps.onDeliverSm(index, session, e.pdu);
        break;
      case 'smpp.window_open':
        deps.onWindowOpen?.(index);
        break;
      case 'smpp.codec_error':
        deps.logger.warn({ bind: index, recoverable: e.recoverable, problem: e.message }, 'malformed PDU from SMSC');
        report({ type: 'smpp.codec_error', recoverable: e.recoverable, message: e.message });
        break;
      case 'smpp.connected':
      case 'pdu.unbind':
        report(e);
        break;
    }
  }, deps.windowChanges);
  const failed = (request: 'bind' | 'unbind') => (err: unknown) =>
    report({ type: 'session.request_failed', request, reason: err instanceof Error ? err.message : String(err) });

  receive((cmd) => {
    if (cmd.type === 'session.bind') {
      session.bind(params.bind, cmd.timeoutMs).then((resp) => {
        if (resp.command_status === COMMAND_STATUS.ESME_ROK && !stopped) deps.onBound(index, session);
        report({ type: 'session.bind_resp', commandStatus: resp.command_status });
      }, failed('bind'));
    } else if (cmd.type === 'session.keep_alive') {
      keepAlive?.stop();
      keepAlive = new KeepAlive({
        intervalMs: cmd.intervalMs, timeoutMs: cmd.timeoutMs, clock: deps.clock ?? NODE_CLOCK, now: Date.now,
        lastHeard: () => session.lastReadAt ?? 0, ping: (done) => session.ping(done),
        onLost: (reason) => report({ type: 'session.link_lost', reason }),
      });
    } else {
      keepAlive?.stop();
      deps.onBound(index, undefined);
      session.unbind(cmd.timeoutMs).then(() => report({ type: 'session.unbind_resp' }), failed('unbind'));
    }
  });
  session.connect();
  return () => {
    stopped = true;
    keepAlive?.stop();
    deps.onBound(index, undefined);
    session.close('bind stopped');
  };
}
