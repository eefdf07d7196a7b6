// Pure retry policy for binds: which bind_resp statuses mean "stop hammering the SMSC", and how long
// to wait before the next attempt. An SMSC may lock an account after a few failed logins, and one that
// still holds our old bind answers ESME_RALYBND until its own timer frees it (often minutes).

import { COMMAND_STATUS } from '../domain/index.js';

export const { ESME_ROK, ESME_RALYBND, ESME_RBINDFAIL, ESME_RINVPASWD, ESME_RINVSYSID } = COMMAND_STATUS;

export type BindFailureKind = 'auth' | 'transient';

/** Authentication failures and "already bound" back off on the long schedule. */
export function classifyBindStatus(commandStatus: number): BindFailureKind {
  return ([ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, ESME_RALYBND] as number[]).includes(commandStatus) ? 'auth' : 'transient';
}

export interface BackoffTimers {
  backoffInitialMs: number;
  backoffMaxMs: number;
  authBackoffInitialMs: number;
  authBackoffMaxMs: number;
}

/** ±20 % jitter around the exponential step: spreads rebind storms without ever retrying at once. */
export const JITTER_RATIO = 0.2;

export function bindBackoffMs(p: { attempt: number; authFailures: number; auth: boolean; timers: BackoffTimers; random: number }): number {
  const { timers } = p;
  const [initial, max, n] = p.auth
    ? [timers.authBackoffInitialMs, timers.authBackoffMaxMs, p.authFailures]
    : [timers.backoffInitialMs, timers.backoffMaxMs, p.attempt];
  const exponential = initial * 2 ** Math.min(Math.max(n - 1, 0), 30);
  const jittered = exponential * (1 - JITTER_RATIO + 2 * JITTER_RATIO * p.random);
  return Math.round(Math.min(max, jittered));
}
