import { describe, expect, it } from 'vitest';
import { defaultKeywords, type KeywordSet } from '../../src/domain/keywords.js';
import {
  MSG_CHECK_COUNTRY_CODE, MSG_CHECK_INTEGRATION, MSG_CHECK_SENDER_ID_TYPE, MSG_COMPLIANCE_REQUIRED,
  MSG_NUMBER_UNAVAILABLE, MSG_PROVISIONING_IN_PROGRESS, newNumberRecord, numberRecordSchema, parseNumberAddress,
  takenFailure, validateNumberImport, type NumberImportContext,
} from '../../src/domain/numbers.js';
import facts from '../fixtures/reference-facts.json' with { type: 'json' };

const ok: NumberImportContext = { integrationExists: true, org: 'acme' };
const custom: KeywordSet = {
  help: { keywords: ['AIDE'], message: 'Call 555.' },
  optOut: { keywords: ['ARRET', 'STOP'], message: 'Bye.' },
  optIn: { keywords: ['REPRENDRE'], message: 'Welcome back.' },
};

describe('troubleshooting messages', () => {
  // the guide's Troubleshooting table (test/fixtures/reference-facts.json, checked against the guide
  // itself in test/reference/guide-facts.test.ts)
  it('are the reference\'s, word for word', () => {
    const m = facts.troubleshootingMessages;
    expect([MSG_CHECK_INTEGRATION, MSG_COMPLIANCE_REQUIRED, MSG_CHECK_SENDER_ID_TYPE, MSG_CHECK_COUNTRY_CODE, MSG_PROVISIONING_IN_PROGRESS, MSG_NUMBER_UNAVAILABLE])
      .toEqual([m.checkIntegration, m.complianceRequired, m.checkSenderIdType, m.checkCountryCode, m.provisioningInProgress, m.numberUnavailable]);
  });
});

type Row = [name: string, input: unknown, ctx: NumberImportContext, code: string, message: string];
const rows: Row[] = [
  ['integration missing', { type: 'local', senderId: '+14155552671' }, { integrationExists: false }, 'NUMBER_IMPORT_FAILED', MSG_CHECK_INTEGRATION],
  ['integration missing wins over a bad body', { type: 'bogus' }, { integrationExists: false }, 'NUMBER_IMPORT_FAILED', MSG_CHECK_INTEGRATION],
  ['shortcode without keywords', { type: 'shortcode', senderId: '12345', country: 'US' }, ok, 'NUMBER_IMPORT_FAILED', MSG_COMPLIANCE_REQUIRED],
  ['shortcode missing the opt-in tab', { type: 'shortcode', senderId: '12345', country: 'US', keywords: { help: custom.help, optOut: custom.optOut } }, ok, 'NUMBER_IMPORT_FAILED', MSG_COMPLIANCE_REQUIRED],
  ['shortcode with an empty keyword list', { type: 'shortcode', senderId: '12345', country: 'US', keywords: { ...custom, help: { keywords: [], message: 'x' } } }, ok, 'NUMBER_IMPORT_FAILED', MSG_COMPLIANCE_REQUIRED],
  ['shortcode with a blank message', { type: 'shortcode', senderId: '12345', country: 'US', keywords: { ...custom, optOut: { keywords: ['STOP'], message: ' ' } } }, ok, 'NUMBER_IMPORT_FAILED', MSG_COMPLIANCE_REQUIRED],
  ['long code with incomplete custom keywords', { type: 'local', senderId: '+14155552671', keywords: { help: custom.help } }, ok, 'NUMBER_IMPORT_FAILED', MSG_COMPLIANCE_REQUIRED],
  ['unknown type', { type: 'alphanumeric', senderId: 'ACME' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['missing type', { senderId: '+14155552671' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['missing senderId', { type: 'local' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['alphanumeric sender ID as a long code', { type: 'mobile', senderId: 'ACME' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['long code without the +', { type: 'local', senderId: '14155552671' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['long code with separators', { type: 'local', senderId: '+1 415 555 2671' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['long code of an impossible length', { type: 'local', senderId: '+1555123' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['toll-free number imported as local', { type: 'local', senderId: '+18005550100' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['geographic number imported as toll-free', { type: 'tollfree', senderId: '+14155552671' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['alphanumeric short code', { type: 'shortcode', senderId: 'ACME', country: 'US', keywords: custom }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['short code too long', { type: 'shortcode', senderId: '123456789', country: 'US', keywords: custom }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['short code too short', { type: 'shortcode', senderId: '12', country: 'US', keywords: custom }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['type checked before country', { type: 'shortcode', senderId: 'ACME', keywords: custom }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_SENDER_ID_TYPE],
  ['country of another calling code', { type: 'local', senderId: '+14155552671', country: 'GB' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['country sharing the calling code but not the number', { type: 'local', senderId: '+14155552671', country: 'CA' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['country that is not a country', { type: 'mobile', senderId: '+4915112345678', country: 'XX' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['country that is not alpha-2', { type: 'mobile', senderId: '+4915112345678', country: 'DEU' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['shortcode without a country', { type: 'shortcode', senderId: '12345', keywords: custom }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['country checked before compliance', { type: 'shortcode', senderId: '12345' }, ok, 'NUMBER_IMPORT_FAILED', MSG_CHECK_COUNTRY_CODE],
  ['number already held by this org', { type: 'local', senderId: '+14155552671' }, { ...ok, existingOwner: { org: 'acme', integration: 'smsc1', state: 'provisioning' } }, 'NUMBER_PROVISIONING_IN_PROGRESS', MSG_PROVISIONING_IN_PROGRESS],
  ['number already provisioned by this org', { type: 'local', senderId: '+14155552671' }, { ...ok, existingOwner: { org: 'acme', integration: 'other', state: 'active' } }, 'NUMBER_PROVISIONING_IN_PROGRESS', MSG_PROVISIONING_IN_PROGRESS],
  ['number held by another org', { type: 'local', senderId: '+14155552671' }, { ...ok, existingOwner: { org: 'globex', integration: 'smsc1', state: 'active' } }, 'NUMBER_UNAVAILABLE', MSG_NUMBER_UNAVAILABLE],
  ['body that is not an object', 'nope', ok, 'VALIDATION_FAILED', 'the request body must be a JSON object'],
];

describe('validateNumberImport', () => {
  it.each(rows)('%s', (_name, input, ctx, code, message) => {
    const result = validateNumberImport(input, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message).toBe(message);
  });

  it('refuses unknown fields with a plain validation error naming them', () => {
    const result = validateNumberImport({ type: 'local', senderId: '+14155552671', colour: 'red' }, ok);
    expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', reason: 'body' });
    if (!result.ok) expect(result.message).toContain('colour');
  });

  it('keeps the schema findings as details', () => {
    const result = validateNumberImport({ type: 'local', senderId: 42 }, ok);
    expect(result).toMatchObject({ ok: false, message: MSG_CHECK_SENDER_ID_TYPE, details: [{ path: 'senderId' }] });
  });

  it.each([
    ['local', '+14155552671', 'US'],
    ['mobile', '+4915112345678', 'DE'],
    ['mobile', '+33612345678', 'FR'],
    ['tollfree', '+18005550100', 'US'],
    ['local', '+442071838750', 'GB'],
  ] as const)('accepts a %s number %s and attaches the default keywords', (type, senderId, country) => {
    const result = validateNumberImport({ type, senderId }, ok);
    expect(result).toEqual({ ok: true, number: { e164: senderId, type, country, keywords: defaultKeywords() } });
  });

  it('accepts a test-range number libphonenumber cannot place, with or without a matching calling code', () => {
    expect(validateNumberImport({ type: 'local', senderId: '+15551234567' }, ok))
      .toEqual({ ok: true, number: { e164: '+15551234567', type: 'local', keywords: defaultKeywords() } });
    expect(validateNumberImport({ type: 'local', senderId: '+15551234567', country: 'us' }, ok))
      .toMatchObject({ ok: true, number: { country: 'US' } });
    expect(validateNumberImport({ type: 'local', senderId: '+15551234567', country: 'FR' }, ok))
      .toMatchObject({ ok: false, message: MSG_CHECK_COUNTRY_CODE });
  });

  it('uses a long code\'s own keywords instead of the defaults when it brings a complete set', () => {
    const result = validateNumberImport({ type: 'mobile', senderId: '+33612345678', country: 'FR', keywords: custom }, ok);
    expect(result).toEqual({ ok: true, number: { e164: '+33612345678', type: 'mobile', country: 'FR', keywords: custom } });
  });

  it('accepts a short code with its country and keywords, with or without a leading +', () => {
    for (const senderId of ['12345', '+12345', ' 12345 ']) {
      const result = validateNumberImport({ type: 'shortcode', senderId, country: 'us', keywords: custom }, ok);
      expect(result).toEqual({ ok: true, number: { e164: '12345', type: 'shortcode', country: 'US', keywords: custom } });
    }
  });
});

describe('takenFailure', () => {
  it('tells the same org it is in progress and any other org it is unavailable', () => {
    const owner = { org: 'acme', integration: 'i1', state: 'active' as const };
    expect(takenFailure('acme', owner).message).toBe(MSG_PROVISIONING_IN_PROGRESS);
    expect(takenFailure('globex', owner).message).toBe(MSG_NUMBER_UNAVAILABLE);
    expect(takenFailure(undefined, owner).message).toBe(MSG_NUMBER_UNAVAILABLE);
  });
});

describe('parseNumberAddress', () => {
  it.each([
    ['+15551234567', '15551234567'],
    ['15551234567', '15551234567'],
    ['12345', '12345'],
    ['+1 555', undefined],
    ['abc', undefined],
    ['12', undefined],
    ['1234567890123456', undefined],
  ])('%j → %s', (raw, expected) => {
    expect(parseNumberAddress(raw)).toBe(expected);
  });
});

describe('newNumberRecord', () => {
  it('starts provisioning, owned by the org and integration, and fits the stored schema', () => {
    const result = validateNumberImport({ type: 'local', senderId: '+14155552671' }, ok);
    if (!result.ok) throw new Error(result.message);
    const record = newNumberRecord(result.number, { org: 'acme', integration: 'smsc1' }, '2026-01-01T00:00:00.000Z');
    expect(numberRecordSchema.parse(record)).toEqual({
      version: 1, e164: '+14155552671', type: 'local', country: 'US', keywords: defaultKeywords(), org: 'acme',
      integration: 'smsc1', state: 'provisioning', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
