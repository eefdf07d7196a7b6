// Body of POST /v1/orgs/:org/integrations/:id/numbers: the reference's Import Number dialog
// (Type, Sender ID, Country for short codes, the three Required Interaction tabs). Structure only:
// whether the sender ID fits its type and country is decided in src/domain/numbers.ts, which also
// turns a failure here into the reference's troubleshooting message.
import { z } from 'zod';
import { keywordSetSchema } from './keywords.js';
import { optOutByIntentSchema } from './opt-out-intent.js';

export const NUMBER_TYPES = ['local', 'mobile', 'tollfree', 'shortcode'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export const numberImportSchema = z.strictObject({
  type: z.enum(NUMBER_TYPES, { error: `type must be one of ${NUMBER_TYPES.join(', ')}` }),
  /** E.164 for long codes; the short code's digits (an optional leading '+' is tolerated) */
  senderId: z.string({ error: 'senderId is required' }).trim().min(1, { error: 'senderId is required' }).max(32),
  /** ISO 3166-1 alpha-2; accepted in any case, stored upper case */
  country: z.string().trim().regex(/^[A-Za-z]{2}$/, { error: 'country must be an ISO 3166-1 alpha-2 code' })
    .transform((c) => c.toUpperCase()).optional(),
  keywords: keywordSetSchema.optional(),
  /** a message that mentions an opt-out keyword: off (default), confirm (ask to text STOP) or optOut (as STOP) */
  optOutByIntent: optOutByIntentSchema.optional(),
});
export type NumberImportInput = z.input<typeof numberImportSchema>;
export type NumberImport = z.output<typeof numberImportSchema>;
