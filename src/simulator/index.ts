// Front door of the SMSC simulator: the server (smsc.ts), its options and presets, run-time faults,
// the control port and the self-signed certificate. `byo-smpp simulator` (src/cli) and the demo run it.
export { SmscSimulator, startSimulator, type WaitOptions } from './smsc.js';
export { formatMessageId, receiptText } from './receipts.js';
export * from './options.js';
export type { SmscConnection, ResponseSeen } from './connection.js';
export { noFaults, isSilent, pauseAnswers, refuseBinds, leaveSubmitsUnanswered, throttleSubmits, submitFault, type Faults } from './faults.js';
export { moParts, type MoInput } from './mo.js';
export { startControlServer, status as simulatorStatus, type ControlServer } from './control.js';
export { selfSignedCertificate, SELF_SIGNED_VALIDITY_DAYS, type SelfSignedCertificate } from './tls.js';
