// SMPP 3.4 command_status values we name (SMPP 3.4 §5.1.3): the one list the codec, the bind policy,
// the error map, the inbound answers and the metrics labels all read. A vendor's other codes pass
// through as numbers (the integration's protocolSpecificCodeMapping names them for users).

export const COMMAND_STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RTHROTTLED: 0x58,
  ESME_RX_T_APPN: 0x64,
} as const;

export type CommandStatusName = keyof typeof COMMAND_STATUS;

const NAMES = new Map<number, string>(Object.entries(COMMAND_STATUS).map(([name, code]) => [code, name]));

/** 'ESME_RTHROTTLED' for 0x58; a code we do not name as '0x0000045a' (a bounded set of labels) */
export function commandStatusName(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`;
}
