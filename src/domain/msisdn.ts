// Phone numbers at the SMPP edge. Every API speaks E.164 ('+15551234567'); SMPP addresses are
// digits with an optional '+' depending on the SMSC (the integration's plus-prefix flags).
// `isE164` is a shape check for the hot path; libphonenumber's full metadata is only consulted where
// validity matters (imports, ambiguous inbound addresses).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

const E164 = /^\+[1-9]\d{6,14}$/;
const DIGITS = /^\d+$/;
/** Visual separators some SMSCs leave in addresses. */
const SEPARATORS = /[\s\-().]/g;

/** SMPP type_of_number values (SMPP 3.4 §5.2.5). */
export const TON = {
  unknown: 0,
  international: 1,
  national: 2,
  networkSpecific: 3,
  subscriberNumber: 4,
  alphanumeric: 5,
  abbreviated: 6,
} as const;

/** Cheap shape check: '+', no leading zero, 7–15 digits. Says nothing about the number being assigned. */
export function isE164(s: string): boolean {
  return E164.test(s);
}

export interface ParsedE164 {
  readonly e164: string;
  /** e.g. '1' for +1 */
  readonly countryCallingCode: string;
  /** ISO 3166-1 alpha-2 when the number belongs to one region (absent for +800 and similar). */
  readonly country?: string;
  readonly nationalNumber: string;
  /** Full libphonenumber validity (number ranges of the region), not just the shape. */
  readonly valid: boolean;
}

/** Parse an E.164 string; undefined when it does not even have the E.164 shape. */
export function parseE164(s: string): ParsedE164 | undefined {
  if (!isE164(s)) return undefined;
  const parsed = parsePhoneNumberFromString(s);
  if (!parsed) return undefined;
  return {
    e164: parsed.number,
    countryCallingCode: parsed.countryCallingCode,
    ...(parsed.country ? { country: parsed.country } : {}),
    nationalNumber: parsed.nationalNumber,
    valid: parsed.isValid(),
  };
}

/** Whether the E.164 number is a valid, assigned-range number of that country (ISO alpha-2). */
export function isValidNumberForCountry(e164: string, countryIso2: string): boolean {
  const country = countryIso2.toUpperCase();
  if (!isE164(e164) || !isSupportedCountry(country)) return false;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed !== undefined && parsed.isValid() && parsed.country === country;
}

/**
 * E.164 → SMPP source/destination address: the digits, with a leading '+' when the SMSC wants it.
 * Anything that is not E.164 (short codes, alphanumeric sender ids) passes through unchanged.
 */
export function toSmppAddress(e164: string, opts: { plusPrefix: boolean }): string {
  if (!isE164(e164)) return e164;
  return opts.plusPrefix ? e164 : e164.slice(1);
}

export interface FromSmppOptions {
  /** type_of_number that came with the address. */
  readonly ton: number;
  /** Region for national numbers (TON 2, or TON 0 with a trunk prefix): ISO alpha-2. */
  readonly defaultCountry?: string;
}

/**
 * SMPP address → E.164, or undefined when it cannot be one (alphanumeric, short code, national
 * number without a region). With TON unknown and no '+', '00' is read as the international prefix,
 * a number that is valid as international wins, then a national reading in `defaultCountry`, and
 * finally any E.164-shaped digit string (most SMSCs send international digits without '+').
 */
export function fromSmppAddress(addr: string, opts: FromSmppOptions): string | undefined {
  const cleaned = addr.replace(/\0/g, '').replace(SEPARATORS, '');
  if (cleaned.startsWith('+')) {
    return isE164(cleaned) ? cleaned : undefined;
  }
  if (!DIGITS.test(cleaned)) return undefined;
  const country = regionOf(opts.defaultCountry);

  switch (opts.ton) {
    case TON.international: {
      const digits = cleaned.startsWith('00') ? cleaned.slice(2) : cleaned;
      const e164 = `+${digits}`;
      return isE164(e164) ? e164 : undefined;
    }
    case TON.national:
      return country ? nationalToE164(cleaned, country) : undefined;
    case TON.unknown: {
      if (cleaned.startsWith('00')) {
        const e164 = `+${cleaned.slice(2)}`;
        return isE164(e164) ? e164 : undefined;
      }
      const international = `+${cleaned}`;
      if (isE164(international) && parsePhoneNumberFromString(international)?.isValid()) return international;
      const national = country ? nationalToE164(cleaned, country) : undefined;
      if (national) return national;
      return isE164(international) ? international : undefined;
    }
    default:
      return undefined;
  }
}

function regionOf(iso2: string | undefined): CountryCode | undefined {
  if (!iso2) return undefined;
  const upper = iso2.toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

function nationalToE164(digits: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(digits, country);
  return parsed?.isValid() ? parsed.number : undefined;
}
