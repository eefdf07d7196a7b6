import { describe, expect, it } from 'vitest';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import { mergeAdvancedConfig } from '../../src/config/advanced-schema.js';
import {
  classifyCommandStatus,
  mapProtocolCode,
  mapReceiptFailure,
  protocolCodeKey,
  type CommandStatusClass,
} from '../../src/domain/error-map.js';
import type { ReceiptState } from '../../src/domain/receipts.js';

const defaults = DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping;

describe('protocolCodeKey', () => {
  it.each([
    [88, '88'], ['88', '88'], ['088', '88'], ['000', '0'], ['0x58', '88'], ['0X0b', '11'], [' 11\0', '11'],
    ['E12', undefined], ['', undefined], [-1, undefined], [1.5, undefined],
  ] as const)('%j → %j', (code, key) => {
    expect(protocolCodeKey(code)).toBe(key);
  });
});

describe('mapProtocolCode with the default table', () => {
  const cases: Array<{ code: number | string; cause: string; generic: number; protocolCode: string }> = [
    { code: 0x58, cause: 'THROTTLED', generic: 2, protocolCode: '88' },
    { code: '0x58', cause: 'THROTTLED', generic: 2, protocolCode: '88' },
    { code: 0, cause: 'DELIVERED', generic: 0, protocolCode: '0' },
    { code: 0x0b, cause: 'DEST_ADDR_INVALID', generic: 3, protocolCode: '11' },
    { code: '011', cause: 'DEST_ADDR_INVALID', generic: 3, protocolCode: '11' },
    { code: 0x14, cause: 'CARRIER_CONGESTED', generic: 2, protocolCode: '20' },
    { code: 0xff, cause: 'OTHER_PERMANENT_FAILURE', generic: 3, protocolCode: '255' },
  ];
  it.each(cases)('$code → $cause', ({ code, cause, generic, protocolCode }) => {
    expect(mapProtocolCode(code, defaults)).toMatchObject({ genericErrorCause: cause, genericErrorCode: generic, protocolCode });
  });

  it('an unmapped code is a named permanent failure', () => {
    expect(mapProtocolCode(0x401, defaults)).toEqual({
      genericErrorCode: 3, genericErrorCause: 'OTHER_PERMANENT_FAILURE', protocolCode: '1025', description: 'Unmapped vendor error 1025',
    });
    expect(mapProtocolCode('E12', defaults)).toMatchObject({ protocolCode: 'E12', description: 'Unmapped vendor error E12' });
  });

  it('a custom entry overrides its code and keeps the other defaults', () => {
    const merged = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, {
      protocolSpecificCodeMapping: {
        '88': { genericErrorCode: 3, genericErrorCause: 'VENDOR_BLOCKED', description: 'Vendor says no' },
        '1025': { genericErrorCode: 2, genericErrorCause: 'VENDOR_BUSY', description: 'Vendor busy' },
      },
    }).protocolSpecificCodeMapping;
    expect(mapProtocolCode(88, merged)).toMatchObject({ genericErrorCause: 'VENDOR_BLOCKED', genericErrorCode: 3 });
    expect(mapProtocolCode(0x401, merged)).toMatchObject({ genericErrorCause: 'VENDOR_BUSY' });
    expect(mapProtocolCode(11, merged)).toMatchObject({ genericErrorCause: 'DEST_ADDR_INVALID' });
    expect(classifyCommandStatus(88, merged)).toBe('permanent');
    expect(classifyCommandStatus(0x401, merged)).toBe('retry');
  });
});

describe('classifyCommandStatus', () => {
  const cases: Array<{ name: string; status: number; withTable: CommandStatusClass; bySpec: CommandStatusClass }> = [
    { name: 'ESME_ROK', status: 0x00, withTable: 'ok', bySpec: 'ok' },
    { name: 'ESME_RINVBNDSTS', status: 0x04, withTable: 'rebind', bySpec: 'rebind' },
    { name: 'ESME_RTHROTTLED', status: 0x58, withTable: 'retry', bySpec: 'retry' },
    { name: 'ESME_RMSGQFUL', status: 0x14, withTable: 'retry', bySpec: 'retry' },
    { name: 'ESME_RSYSERR', status: 0x08, withTable: 'retry', bySpec: 'retry' },
    { name: 'ESME_RX_T_APPN', status: 0x64, withTable: 'retry', bySpec: 'retry' },
    { name: 'ESME_RALYBND (table says temporary)', status: 0x05, withTable: 'retry', bySpec: 'permanent' },
    { name: 'ESME_RDELIVERYFAILURE (table says temporary)', status: 0xfe, withTable: 'retry', bySpec: 'permanent' },
    { name: 'ESME_RINVDSTADR', status: 0x0b, withTable: 'permanent', bySpec: 'permanent' },
    { name: 'ESME_RSUBMITFAIL', status: 0x45, withTable: 'permanent', bySpec: 'permanent' },
    { name: 'vendor 0x401', status: 0x401, withTable: 'permanent', bySpec: 'permanent' },
  ];
  it.each(cases)('$name', ({ status, withTable, bySpec }) => {
    expect(classifyCommandStatus(status, defaults)).toBe(withTable);
    expect(classifyCommandStatus(status)).toBe(bySpec);
  });
});

describe('mapReceiptFailure', () => {
  const cases: Array<{ name: string; state: ReceiptState; final: boolean; err?: string; expected: object | undefined }> = [
    { name: 'delivered', state: 'DELIVERED', final: true, err: '000', expected: undefined },
    { name: 'not final', state: 'ENROUTE', final: false, expected: undefined },
    { name: 'UNDELIV, no err', state: 'UNDELIVERABLE', final: true, expected: { genericErrorCause: 'CARRIER_DELIVERY_FAILED', genericErrorCode: 3 } },
    { name: 'UNDELIV, err:000', state: 'UNDELIVERABLE', final: true, err: '000', expected: { genericErrorCause: 'CARRIER_DELIVERY_FAILED' } },
    { name: 'UNDELIV, mapped err:011', state: 'UNDELIVERABLE', final: true, err: '011', expected: { genericErrorCause: 'DEST_ADDR_INVALID', protocolCode: '11' } },
    {
      name: 'UNDELIV, unmapped err:999',
      state: 'UNDELIVERABLE', final: true, err: '999',
      expected: { genericErrorCause: 'CARRIER_DELIVERY_FAILED', protocolCode: '999', description: 'The carrier could not deliver the message (vendor error 999)' },
    },
    { name: 'EXPIRED', state: 'EXPIRED', final: true, expected: { genericErrorCause: 'EXPIRED', genericErrorCode: 2 } },
    { name: 'REJECTED', state: 'REJECTED', final: true, expected: { genericErrorCause: 'REJECTED' } },
    { name: 'DELETED', state: 'DELETED', final: true, expected: { genericErrorCause: 'DELETED' } },
    { name: 'UNKNOWN', state: 'UNKNOWN', final: true, expected: { genericErrorCause: 'OTHER_PERMANENT_FAILURE' } },
  ];
  it.each(cases)('$name', ({ state, final, err, expected }) => {
    const result = mapReceiptFailure({ state, final, ...(err !== undefined ? { errorCode: err } : {}) }, defaults);
    if (expected === undefined) expect(result).toBeUndefined();
    else expect(result).toMatchObject(expected);
  });
});
