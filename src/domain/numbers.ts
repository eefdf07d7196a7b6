// Number inventory rules: what an import must look like, the record it becomes, and which of the
// reference's troubleshooting messages (byo-sms-for-smpp.txt, "Troubleshooting") a failure shows.
// Pure: the HTTP route supplies the facts (does the integration exist, who holds the number).
import {
  getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode,
} from 'libphonenumber-js/max';
import { z } from 'zod';
import { NUMBER_TYPES, numberImportSchema, type NumberType } from './number-schema.js';
import { defaultKeywords, keywordSetSchema } from './keywords.js';
import { optOutByIntentSchema } from './opt-out-intent.js';

// The reference's troubleshooting messages, word for word: users and acceptance checks match on them.
export const MSG_CHECK_INTEGRATION = 'Please check the Integration for BYO Sender ID.';
export const MSG_COMPLIANCE_REQUIRED = 'Please provide the required compliance keywords and messages for your Sender ID.';
export const MSG_CHECK_SENDER_ID_TYPE = 'Please check your Sender ID type.';
export const MSG_CHECK_COUNTRY_CODE = 'Please check your Sender ID country code.';
export const MSG_PROVISIONING_IN_PROGRESS = 'A provisioning action is already in progress for this phone number address.';
export const MSG_NUMBER_UNAVAILABLE =
  'This Phone Number address is not available for provisioning. Please select a different phone number address and try again.';

export const NUMBER_STATES = ['provisioning', 'active', 'disabled', 'released'] as const;
export type NumberState = (typeof NUMBER_STATES)[number];

const E164 = /^\+[1-9]\d{1,14}$/;
/** Short codes run from 3 digits (some EU services) to 8; 5–6 is the common US/UK length. */
const SHORT_CODE = /^\+?(\d{3,8})$/;
/** A short code as a sender or receiver address: 3 to 8 digits (a leading + tolerated). */
export const isShortCodeAddress = (s: string): boolean => SHORT_CODE.test(s);
/** A stored address: E.164 for long codes, bare digits for short codes. */
const ADDRESS = /^(?:\+[1-9]\d{1,14}|\d{3,8})$/;

export const numberRecordSchema = z.strictObject({
  version: z.literal(1),
  /** E.164 for long codes; the bare digits for a short code (it has no country calling code) */
  e164: z.string().regex(ADDRESS),
  org: z.string().min(1),
  integration: z.string().min(1),
  type: z.enum(NUMBER_TYPES),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  keywords: keywordSetSchema,
  /** absent in records written before the setting existed: off */
  optOutByIntent: optOutByIntentSchema.optional(),
  state: z.enum(NUMBER_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type NumberRecord = z.infer<typeof numberRecordSchema>;

/** Who holds a number: what a failed claim reports. */
export interface NumberOwner {
  org: string;
  integration: string;
  state: NumberState;
}
export type ClaimResult = 'claimed' | { takenBy: NumberOwner };

/**
 * The inventory, keyed by the number's digits so a number is unique across every org.
 * KV-backed in production (src/adapters/nats/number-store.ts), in memory in unit tests.
 */
export interface NumberStore {
  /** atomically creates the record unless the number exists (in any org) */
  claim(record: NumberRecord): Promise<ClaimResult>;
  /** accepts E.164 or digits */
  get(e164: string): Promise<NumberRecord | undefined>;
  list(): Promise<NumberRecord[]>;
  listByOrg(org: string): Promise<NumberRecord[]>;
  listByIntegration(org: string, integration: string): Promise<NumberRecord[]>;
  /** compare-and-set; undefined when the number is not in the inventory */
  setState(e164: string, state: NumberState): Promise<NumberRecord | undefined>;
  /**
   * Removes the number (it becomes claimable again) and returns what was removed; with `owner`,
   * only while that org holds it, checked in the same compare-and-set as the removal.
   */
  release(e164: string, owner?: { org: string }): Promise<NumberRecord | undefined>;
}

export type NumberRecordDraft = Pick<NumberRecord, 'e164' | 'type' | 'country' | 'keywords' | 'optOutByIntent'>;

/** Same names as the HTTP error catalogue (src/adapters/http/errors.ts), which the route maps them to. */
export type NumberImportErrorCode =
  | 'NUMBER_IMPORT_FAILED' | 'NUMBER_PROVISIONING_IN_PROGRESS' | 'NUMBER_UNAVAILABLE' | 'VALIDATION_FAILED';
export type NumberImportReason = 'integration' | 'body' | 'type' | 'country' | 'compliance' | 'inProgress' | 'unavailable';

export interface NumberImportFailure {
  ok: false;
  code: NumberImportErrorCode;
  reason: NumberImportReason;
  message: string;
  /** the schema's own findings, when the body failed it: `{ path, message }[]` */
  details?: { path: string; message: string }[];
  /** who holds the number, when it is taken within the same org */
  holder?: { integration: string; state: NumberState };
}
export type NumberImportResult = { ok: true; number: NumberRecordDraft } | NumberImportFailure;

export interface NumberImportContext {
  /** the integration exists in the caller's org and is not being deleted */
  integrationExists: boolean;
  /** the importing org; with `existingOwner`, decides "in progress" against "not available" */
  org?: string;
  /** who already holds the number, if anyone (the claim re-checks this atomically) */
  existingOwner?: NumberOwner;
}

const REASON: Record<Exclude<NumberImportReason, 'body'>, { code: NumberImportErrorCode; message: string }> = {
  integration: { code: 'NUMBER_IMPORT_FAILED', message: MSG_CHECK_INTEGRATION },
  type: { code: 'NUMBER_IMPORT_FAILED', message: MSG_CHECK_SENDER_ID_TYPE },
  country: { code: 'NUMBER_IMPORT_FAILED', message: MSG_CHECK_COUNTRY_CODE },
  compliance: { code: 'NUMBER_IMPORT_FAILED', message: MSG_COMPLIANCE_REQUIRED },
  inProgress: { code: 'NUMBER_PROVISIONING_IN_PROGRESS', message: MSG_PROVISIONING_IN_PROGRESS },
  unavailable: { code: 'NUMBER_UNAVAILABLE', message: MSG_NUMBER_UNAVAILABLE },
};

const fail = (reason: Exclude<NumberImportReason, 'body'>, details?: NumberImportFailure['details']): NumberImportFailure => ({
  ok: false, reason, ...REASON[reason], ...(details ? { details } : {}),
});

/**
 * A number somebody already holds: the same org re-submitting gets "in progress" (the reference
 * shows it for a request "that is already provisioned" too), any other org "not available".
 */
export function takenFailure(org: string | undefined, owner: NumberOwner, e164?: string): NumberImportFailure {
  if (org === undefined || owner.org !== org) return fail('unavailable');
  const failure = fail('inProgress');
  if (e164 === undefined) return failure;
  // the reference's sentence first, then what the user needs: no job is running, an integration holds it
  return {
    ...failure,
    message: `${failure.message} It is held by integration ${owner.integration} (number state: ${owner.state}); `
      + `to move it, release it first: DELETE /v1/orgs/${org}/numbers/${encodeURIComponent(e164)} (byo-smpp numbers release --org ${org} ${e164}), then import it again.`,
    holder: { integration: owner.integration, state: owner.state },
  };
}

/**
 * Checks in the order a user fixes them: the integration, then the sender ID, its country, the
 * compliance keywords, and last whether the number is free.
 */
export function validateNumberImport(input: unknown, ctx: NumberImportContext): NumberImportResult {
  if (!ctx.integrationExists) return fail('integration');
  const parsed = numberImportSchema.safeParse(input);
  if (!parsed.success) return fromSchemaIssues(parsed.error.issues);
  const body = parsed.data;

  const address = body.type === 'shortcode'
    ? checkShortCode(body.senderId, body.country)
    : checkLongCode(body.type, body.senderId, body.country);
  if (!address.ok) return address;

  // Long codes get the reference's defaults; keywords they bring replace them whole (the schema
  // already insists on all three sections), so there is never a half-default set.
  if (body.type === 'shortcode' && !body.keywords) return fail('compliance');
  const keywords = body.keywords ?? defaultKeywords();

  if (ctx.existingOwner) return takenFailure(ctx.org, ctx.existingOwner);
  const country = address.country;
  const byIntent = body.optOutByIntent ? { optOutByIntent: body.optOutByIntent } : {};
  return { ok: true, number: { e164: address.e164, type: body.type, ...(country ? { country } : {}), keywords, ...byIntent } };
}

type AddressCheck = { ok: true; e164: string; country?: string } | NumberImportFailure;

function checkShortCode(senderId: string, country: string | undefined): AddressCheck {
  const m = SHORT_CODE.exec(senderId);
  if (!m) return fail('type');
  // A short code only means something inside one country, so the Country field is mandatory.
  if (country === undefined || !isSupportedCountry(country)) return fail('country');
  return { ok: true, e164: m[1]!, country };
}

function checkLongCode(type: Exclude<NumberType, 'shortcode'>, senderId: string, country: string | undefined): AddressCheck {
  if (!E164.test(senderId)) return fail('type');
  const phone = parsePhoneNumberFromString(senderId);
  // Possible (right length for its calling code), not necessarily valid: test ranges such as
  // +1 555 01xx are not "valid" yet are what labs and SMSC simulators use.
  if (!phone || !phone.isPossible()) return fail('type');
  const kind = phone.getType();
  const tollFree = kind === 'TOLL_FREE';
  if (kind !== undefined && tollFree !== (type === 'tollfree')) return fail('type');

  if (country !== undefined) {
    if (!isSupportedCountry(country)) return fail('country');
    if (phone.countryCallingCode !== getCountryCallingCode(country as CountryCode)) return fail('country');
    // Within a shared calling code (+1, +44, +7...) only a number libphonenumber places can mismatch.
    if (phone.country !== undefined && phone.country !== country) return fail('country');
  }
  const resolved = country ?? phone.country;
  return { ok: true, e164: senderId, ...(resolved ? { country: resolved } : {}) };
}

const SCHEMA_FIELD_REASON: Record<string, Exclude<NumberImportReason, 'body'>> = {
  type: 'type', senderId: 'type', country: 'country', keywords: 'compliance',
};
const REASON_ORDER: readonly NumberImportReason[] = ['type', 'country', 'compliance', 'body'];

function fromSchemaIssues(issues: readonly z.core.$ZodIssue[]): NumberImportFailure {
  const details = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const reasonOf = (i: z.core.$ZodIssue): NumberImportReason => SCHEMA_FIELD_REASON[String(i.path[0])] ?? 'body';
  const reasons = new Set(issues.map(reasonOf));
  const reason = REASON_ORDER.find((r) => reasons.has(r)) ?? 'body';
  if (reason !== 'body') return fail(reason, details);
  // Not the dialog's fields at all (not an object, unknown fields): no reference message fits.
  const first = issues[0];
  const message = first && first.path.length === 0 && first.code === 'invalid_type'
    ? 'the request body must be a JSON object'
    : details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return { ok: false, code: 'VALIDATION_FAILED', reason: 'body', message, details };
}

/**
 * A number as a path parameter: '+15551234567', its digits, or a short code. Returns the store key
 * form (digits), or undefined when it cannot be a number at all.
 */
export function parseNumberAddress(raw: string): string | undefined {
  const m = /^\+?(\d{3,15})$/.exec(raw.trim());
  return m ? m[1] : undefined;
}

/** The record an accepted import becomes; `at` comes from the caller so this stays pure. */
export function newNumberRecord(draft: NumberRecordDraft, owner: { org: string; integration: string }, at: string): NumberRecord {
  return { version: 1, ...draft, org: owner.org, integration: owner.integration, state: 'provisioning', createdAt: at, updatedAt: at };
}
