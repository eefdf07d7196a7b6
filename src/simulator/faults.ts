// Faults an operator (or a test) switches on while the simulator runs, through the control server or
// the API: stop answering for a while, refuse binds. Dropping every connection is SmscSimulator.dropAll().
import { COMMAND_STATUS } from '../adapters/smpp/index.js';

export interface Faults {
  /** epoch ms until which the simulator reads PDUs and answers nothing (a hung SMSC) */
  silentUntil: number;
  /** while set, every bind is answered with this command_status */
  refuseBindsStatus: number | undefined;
}

export const noFaults = (): Faults => ({ silentUntil: 0, refuseBindsStatus: undefined });

export const isSilent = (faults: Faults, now = Date.now()): boolean => faults.silentUntil > now;

/** stop answering for `ms` milliseconds from now (0 ends the pause) */
export function pauseAnswers(faults: Faults, ms: number, now = Date.now()): void {
  faults.silentUntil = ms > 0 ? now + ms : 0;
}

/** refuse every bind with `status` (default ESME_RBINDFAIL); `false` accepts binds again */
export function refuseBinds(faults: Faults, refuse: boolean, status: number = COMMAND_STATUS.ESME_RBINDFAIL): void {
  faults.refuseBindsStatus = refuse ? status : undefined;
}
