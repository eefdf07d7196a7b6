// The advanced configuration against the reference guide's JSON (test/fixtures/reference-facts.json,
// checked against the guide in test/reference/guide-facts.test.ts): the shipped defaults verbatim, a
// custom mapping overrides only the codes it names, a custom charset list replaces the default one.
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../src/config/integration-schema.js';
import { advancedConfigInputSchema, advancedConfigSchema, mergeAdvancedConfig, type AdvancedConfig } from '../../src/config/advanced-schema.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import facts from '../fixtures/reference-facts.json' with { type: 'json' };
import { rejection, accepted } from './schema-harness.js';

describe('advanced configuration', () => {
  const referenceDefault = facts.advancedConfiguration.default;
  const referenceCustom = facts.advancedConfiguration.customExample;

  it('ships the reference default configuration verbatim', () => {
    expect(DEFAULT_ADVANCED_CONFIG).toStrictEqual(referenceDefault);
    expect(Object.keys(DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping).length).toBeGreaterThan(40);
    expect(advancedConfigSchema.parse(DEFAULT_ADVANCED_CONFIG)).toStrictEqual(DEFAULT_ADVANCED_CONFIG);
  });

  it('accepts the reference example of a custom configuration', () => {
    expect(advancedConfigInputSchema.safeParse(referenceCustom).success).toBe(true);
    expect(accepted({ advanced: referenceCustom }).advanced).toEqual(referenceCustom);
  });

  it('a custom mapping overrides only the codes it names and keeps the rest', () => {
    const custom = { protocolSpecificCodeMapping: {
      '88': { genericErrorCode: 2, genericErrorCause: 'VENDOR_THROTTLED', description: 'vendor-specific throttling' },
      '1025': { genericErrorCode: 3, genericErrorCause: 'VENDOR_BLOCKED', description: 'vendor code 0x401' },
    } };
    const merged = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, custom);
    expect(merged.protocolSpecificCodeMapping['88']).toEqual(custom.protocolSpecificCodeMapping['88']);
    expect(merged.protocolSpecificCodeMapping['1025']).toEqual(custom.protocolSpecificCodeMapping['1025']);
    for (const [code, entry] of Object.entries(DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping)) {
      if (code !== '88') expect(merged.protocolSpecificCodeMapping[code]).toEqual(entry);
    }
    expect(merged.charsets).toEqual(DEFAULT_ADVANCED_CONFIG.charsets);
  });

  it('a custom charsets list replaces the default list (its order is the preference)', () => {
    const charsets: AdvancedConfig['charsets'] = [{ dcs: 8, charset: 'utf-16be' }, { dcs: 0, charset: 'gsm_0338' }];
    const merged = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, { charsets });
    expect(merged.charsets).toEqual(charsets);
    expect(merged.protocolSpecificCodeMapping).toEqual(DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping);
  });

  it('the reference custom example keeps every default code and uses its own two charsets', () => {
    const custom = advancedConfigInputSchema.parse(referenceCustom);
    const merged = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, custom);
    expect(merged.protocolSpecificCodeMapping).toEqual(DEFAULT_ADVANCED_CONFIG.protocolSpecificCodeMapping);
    expect(merged.charsets).toEqual([{ dcs: 0, charset: 'gsm_0338' }, { dcs: 1, charset: 'ASCII' }]);
  });

  it('no custom configuration means the defaults, and merging never changes the defaults', () => {
    const before = structuredClone(DEFAULT_ADVANCED_CONFIG);
    expect(mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, undefined)).toEqual(DEFAULT_ADVANCED_CONFIG);
    expect(mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, {})).toEqual(DEFAULT_ADVANCED_CONFIG);
    mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, { protocolSpecificCodeMapping: { '0': { genericErrorCode: 9, genericErrorCause: 'X', description: '' } } });
    expect(DEFAULT_ADVANCED_CONFIG).toStrictEqual(before);
  });

  const invalid: [string, unknown, string[]][] = [
    ['charsets is not a list', { charsets: 'gsm_0338' }, ['charsets', 'array']],
    ['charsets is empty', { charsets: [] }, ['charsets']],
    ['an unknown charset', { charsets: [{ dcs: 0, charset: 'latin9' }] }, ['charsets.0.charset', 'gsm_0338, ASCII, ISO-8859-1, JIS0201, ISO-8859-5, ISO-8859-8, utf-16be']],
    ['a dcs above 255', { charsets: [{ dcs: 256, charset: 'ASCII' }] }, ['charsets.0.dcs', '255']],
    ['a charset entry without dcs', { charsets: [{ charset: 'ASCII' }] }, ['charsets.0.dcs']],
    ['a mapping that is not an object', { protocolSpecificCodeMapping: [] }, ['protocolSpecificCodeMapping']],
    ['a mapping entry missing fields', { protocolSpecificCodeMapping: { '88': { genericErrorCode: 2 } } },
      ['protocolSpecificCodeMapping.88.genericErrorCause', 'protocolSpecificCodeMapping.88.description']],
    ['a negative genericErrorCode', { protocolSpecificCodeMapping: { '88': { genericErrorCode: -1, genericErrorCause: 'X', description: '' } } },
      ['protocolSpecificCodeMapping.88.genericErrorCode']],
    ['an unknown field in a mapping entry', { protocolSpecificCodeMapping: { '88': { genericErrorCode: 1, genericErrorCause: 'X', description: '', retry: true } } },
      ['protocolSpecificCodeMapping.88', 'retry']],
    ['an unknown section', { charset: [] }, ['unknown field(s): charset']],
    ['an unknown national language', { nationalLanguages: ['klingon'] }, ['nationalLanguages.0', 'turkish, spanish, portuguese']],
    ['nationalLanguages that is not a list', { nationalLanguages: 'turkish' }, ['nationalLanguages']],
  ];

  it('nationalLanguages: absent by default (off), kept by the merge, replaced by a custom list', () => {
    expect(DEFAULT_ADVANCED_CONFIG.nationalLanguages).toBeUndefined();
    expect(mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, {}).nationalLanguages).toBeUndefined();
    const merged = mergeAdvancedConfig(DEFAULT_ADVANCED_CONFIG, { nationalLanguages: ['turkish', 'portuguese'] });
    expect(merged.nationalLanguages).toEqual(['turkish', 'portuguese']);
    expect(mergeAdvancedConfig({ ...DEFAULT_ADVANCED_CONFIG, nationalLanguages: ['spanish'] }, {}).nationalLanguages).toEqual(['spanish']);
    expect(accepted({ advanced: { nationalLanguages: ['spanish'] } }).advanced).toEqual({ nationalLanguages: ['spanish'] });
  });

  it.each(invalid)('rejects %s, naming the field', (_what, input, expected) => {
    const r = advancedConfigInputSchema.safeParse(input);
    expect(r.success).toBe(false);
    const message = describeIssues(r.error!).message;
    for (const part of expected) expect(message).toContain(part);
  });

  it('rejects mapping keys that are not decimal status codes, saying what a key must be', () => {
    const entry = { genericErrorCode: 1, genericErrorCause: 'X', description: '' };
    const unhelpful = ['x', '0x58', '-1', '088', '1.5'].flatMap((key) => {
      const r = advancedConfigInputSchema.safeParse({ protocolSpecificCodeMapping: { [key]: entry } });
      if (r.success) return [`${key}: accepted`];
      const message = describeIssues(r.error).message;
      return message.includes('protocolSpecificCodeMapping') && message.includes('decimal status codes') ? [] : [`${key}: ${message}`];
    });
    expect(unhelpful).toEqual([]);
  });

  it('rejects an invalid advanced section inside an integration, under "advanced."', () => {
    expect(rejection({ advanced: { charsets: [] } })).toContain('advanced.charsets');
  });
});
