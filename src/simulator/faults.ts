// Faults an operator (or a test) switches on while the simulator runs, through the control server or
// the API: stop answering for a while, stop answering submit_sm only, answer THROTTLED for a while, refuse binds. Dropping every connection is SmscSimulator.dropAll().
import { COMMAND_STATUS } from '../adapters/smpp/index.js';

export interface Faults {
  /** epoch ms until which the simulator reads PDUs and answers nothing (a hung SMSC) */
  silentUntil: number;
  /** while set, every bind is answered with this command_status */
  refuseBindsStatus: number | undefined;
  /** epoch ms until which submit_sm is read and never answered; enquire_link and the rest still are */
  submitsUnansweredUntil: number;
  /** epoch ms until which every submit_sm is answered with `throttleStatus` (a congested SMSC) */
  throttledUntil: number;
  throttleStatus: number;
}

export const noFaults = (): Faults => ({
  silentUntil: 0, refuseBindsStatus: undefined, submitsUnansweredUntil: 0, throttledUntil: 0, throttleStatus: COMMAND_STATUS.ESME_RTHROTTLED,
});

export const isSilent = (faults: Faults, now = Date.now()): boolean => faults.silentUntil > now;

/** stop answering for `ms` milliseconds from now (0 ends the pause) */
export function pauseAnswers(faults: Faults, ms: number, now = Date.now()): void {
  faults.silentUntil = ms > 0 ? now + ms : 0;
}

/** refuse every bind with `status` (default ESME_RBINDFAIL); `false` accepts binds again */
export function refuseBinds(faults: Faults, refuse: boolean, status: number = COMMAND_STATUS.ESME_RBINDFAIL): void {
  faults.refuseBindsStatus = refuse ? status : undefined;
}

/** read submit_sm and answer none for `ms` milliseconds from now, while enquire_link is still answered (0 ends it) */
export function leaveSubmitsUnanswered(faults: Faults, ms: number, now = Date.now()): void {
  faults.submitsUnansweredUntil = ms > 0 ? now + ms : 0;
}

/** answer every submit_sm with `status` (default ESME_RTHROTTLED) for `ms` milliseconds from now (0 ends it) */
export function throttleSubmits(faults: Faults, ms: number, status: number = COMMAND_STATUS.ESME_RTHROTTLED, now = Date.now()): void {
  faults.throttledUntil = ms > 0 ? now + ms : 0;
  faults.throttleStatus = status;
}

/** the status a run-time fault imposes on a submit_sm now: undefined (none), 'unanswered' or a command_status */
export function submitFault(faults: Faults, now = Date.now()): number | 'unanswered' | undefined {
  if (faults.submitsUnansweredUntil > now) return 'unanswered';
  if (faults.throttledUntil > now) return faults.throttleStatus;
  return undefined;
}
