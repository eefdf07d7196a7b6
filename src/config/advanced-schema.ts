// Advanced configuration: vendor error-code mapping and ordered charset preferences.
// A custom configuration overrides the default entry for each code it names and keeps the rest;
// a custom `charsets` list replaces the default list (order is the preference).
import { z } from 'zod';

export const CHARSET_NAMES = ['gsm_0338', 'ASCII', 'ISO-8859-1', 'JIS0201', 'ISO-8859-5', 'ISO-8859-8', 'utf-16be'] as const;
export type CharsetName = (typeof CHARSET_NAMES)[number];

export const codeMappingEntrySchema = z.strictObject({
  genericErrorCode: z.int().min(0),
  genericErrorCause: z.string().min(1).max(128),
  description: z.string().max(1024),
});
export type CodeMappingEntry = z.infer<typeof codeMappingEntrySchema>;

const codeKey = z.string().regex(/^(0|[1-9][0-9]{0,9})$/, {
  error: 'protocolSpecificCodeMapping keys must be decimal status codes such as "88"',
});

export const charsetEntrySchema = z.strictObject({
  dcs: z.int().min(0).max(255),
  charset: z.enum(CHARSET_NAMES, { error: `charset must be one of ${CHARSET_NAMES.join(', ')}` }),
});
export type CharsetEntry = z.infer<typeof charsetEntrySchema>;

// zod 4 reports a bad record key as a bare "Invalid key in record": check keys in the value instead,
// so the rejection says what a key must be.
const codeMapping = z.record(z.string(), codeMappingEntrySchema).superRefine((m, ctx) => {
  for (const key of Object.keys(m)) {
    if (!codeKey.safeParse(key).success) {
      ctx.addIssue({ code: 'custom', path: [key], message: `protocolSpecificCodeMapping key "${key}" must be one of the decimal status codes such as "88" (decimal status codes: no leading zeros, no hex)` });
    }
  }
});

/** how a message longer than one part is sent (src/domain/segments.ts; docs/encoding.md) */
export const LONG_MESSAGE_OPTIONS = ['udh8', 'udh16', 'sar', 'payload'] as const;

/**
 * National language shift tables (3GPP TS 23.038 §6.2.1.2.4, Annex A) an integration may use for
 * outbound GSM 7-bit text; off unless listed, since handset and SMSC must both support them.
 */
export const NATIONAL_LANGUAGES = ['turkish', 'spanish', 'portuguese'] as const;
export type NationalLanguage = (typeof NATIONAL_LANGUAGES)[number];

export const advancedConfigSchema = z.strictObject({
  protocolSpecificCodeMapping: codeMapping,
  charsets: z.array(charsetEntrySchema).min(1),
  /** absent: udh8 (concatenation UDH with an 8-bit reference) */
  longMessage: z.enum(LONG_MESSAGE_OPTIONS, { error: `longMessage must be one of ${LONG_MESSAGE_OPTIONS.join(', ')}` }).optional(),
  /** absent or empty: no national tables (docs/encoding.md) */
  nationalLanguages: z.array(z.enum(NATIONAL_LANGUAGES, { error: `nationalLanguages entries must be among ${NATIONAL_LANGUAGES.join(', ')}` })).max(NATIONAL_LANGUAGES.length).optional(),
});
export type AdvancedConfig = z.infer<typeof advancedConfigSchema>;

/** What a user may send: either section may be left out. */
export const advancedConfigInputSchema = advancedConfigSchema.partial();
export type AdvancedConfigInput = z.infer<typeof advancedConfigInputSchema>;

/** Custom codes override defaults one by one; a custom charset list replaces the default list. */
export function mergeAdvancedConfig(defaults: AdvancedConfig, custom: AdvancedConfigInput | undefined): AdvancedConfig {
  return {
    protocolSpecificCodeMapping: { ...defaults.protocolSpecificCodeMapping, ...(custom?.protocolSpecificCodeMapping ?? {}) },
    charsets: custom?.charsets ?? defaults.charsets,
    ...(custom?.longMessage ?? defaults.longMessage ? { longMessage: custom?.longMessage ?? defaults.longMessage } : {}),
    ...(custom?.nationalLanguages ?? defaults.nationalLanguages ? { nationalLanguages: custom?.nationalLanguages ?? defaults.nationalLanguages } : {}),
  };
}
