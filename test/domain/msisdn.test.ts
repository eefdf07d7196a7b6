import { describe, expect, it } from 'vitest';
import {
  TON,
  fromSmppAddress,
  isE164,
  isValidNumberForCountry,
  parseE164,
  toSmppAddress,
} from '../../src/domain/msisdn.js';

describe('isE164 (shape only)', () => {
  it.each([
    ['+15551234567', true],
    ['+447400123456', true],
    ['+1234567', true],
    ['+123456', false], // too short
    ['+1234567890123456', false], // 16 digits
    ['15551234567', false],
    ['+05551234567', false],
    ['+1 555 123', false],
  ] as const)('%s → %s', (s, ok) => {
    expect(isE164(s)).toBe(ok);
  });
});

describe('parseE164 and country validity', () => {
  it('parses country and national number', () => {
    expect(parseE164('+447400123456')).toMatchObject({ e164: '+447400123456', countryCallingCode: '44', country: 'GB', nationalNumber: '7400123456', valid: true });
    expect(parseE164('+1555')).toBeUndefined();
  });

  it.each([
    ['+447400123456', 'GB', true],
    ['+447400123456', 'gb', true],
    ['+447400123456', 'US', false],
    ['+12015550123', 'US', true],
    ['+4400000', 'GB', false],
    ['+447400123456', 'XX', false],
  ] as const)('%s in %s → %s', (e164, country, ok) => {
    expect(isValidNumberForCountry(e164, country)).toBe(ok);
  });
});

describe('toSmppAddress', () => {
  it.each([
    ['+15551234567', true, '+15551234567'],
    ['+15551234567', false, '15551234567'],
    ['12345', false, '12345'], // short code passes through
    ['ACME', true, 'ACME'], // alphanumeric sender passes through
  ] as const)('%s plusPrefix=%s → %s', (e164, plusPrefix, addr) => {
    expect(toSmppAddress(e164, { plusPrefix })).toBe(addr);
  });
});

describe('fromSmppAddress', () => {
  const cases: Array<{ addr: string; ton: number; country?: string; e164: string | undefined }> = [
    { addr: '+447400123456', ton: TON.unknown, e164: '+447400123456' },
    { addr: '447400123456', ton: TON.international, e164: '+447400123456' },
    { addr: '447400123456', ton: TON.unknown, e164: '+447400123456' },
    { addr: '00447400123456', ton: TON.unknown, e164: '+447400123456' },
    { addr: '07400123456', ton: TON.unknown, country: 'GB', e164: '+447400123456' },
    { addr: '07400123456', ton: TON.unknown, e164: undefined },
    { addr: '7400123456', ton: TON.national, country: 'GB', e164: '+447400123456' },
    { addr: '2015550123', ton: TON.national, country: 'US', e164: '+12015550123' },
    // Ambiguous: also valid as +20 (Egypt); with TON unknown a valid international reading wins.
    { addr: '2015550123', ton: TON.unknown, country: 'US', e164: '+2015550123' },
    { addr: '7400123456', ton: TON.national, e164: undefined },
    { addr: 'ACME', ton: TON.alphanumeric, e164: undefined },
    { addr: '12345', ton: TON.abbreviated, e164: undefined },
    { addr: '44 7400-123456\0', ton: TON.international, e164: '+447400123456' },
  ];
  it.each(cases)('$addr (TON $ton, $country) → $e164', ({ addr, ton, country, e164 }) => {
    expect(fromSmppAddress(addr, { ton, ...(country ? { defaultCountry: country } : {}) })).toBe(e164);
  });
});
