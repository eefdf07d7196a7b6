// Integration configuration: every field, default and range of the reference
// (byo-sms-for-smpp.txt, "Configure your BYO SMPP SMS integration"). Built per engine because the
// allowed ports and plaintext permission are operator settings.
import { z } from 'zod';
import { advancedConfigInputSchema } from './advanced-schema.js';

export const STANDARD_PORTS = [1776, 2775, 2776, 3550, 3601, 3775, 4200, 7777, 8887, 10000, 29999] as const;
export const DEFAULT_PORT = 2776;
export const ALLOWED_NPI = [0, 1, 3, 4, 6, 8, 9, 10, 13, 18] as const;
export const BIND_TYPES = ['transceiver', 'transmitter', 'receiver'] as const;
export type BindType = (typeof BIND_TYPES)[number];
export const MAX_MESSAGES_PER_SECOND = 100;
export const DEFAULT_MESSAGES_PER_SECOND = 20;
/** SMPP 3.4 sizes system_id at 16 octets and password at 9, each including the terminating NUL. */
export const MAX_SYSTEM_ID_LENGTH = 15;
export const MAX_PASSWORD_LENGTH = 8;

export interface SchemaOptions {
  /** operator-approved ports beyond the standard list (BYO_EXTRA_PORTS) */
  extraPorts: readonly number[];
  /** BYO_ALLOW_PLAINTEXT=1: labs and tests only */
  allowPlaintext: boolean;
}

const printable = /^[\x20-\x7e]*$/;

export const credentialsSchema = z.strictObject({
  systemId: z.string().min(1, { error: 'systemId is required' })
    .max(MAX_SYSTEM_ID_LENGTH, { error: `systemId must be at most ${MAX_SYSTEM_ID_LENGTH} characters (SMPP system_id is 16 octets with its NUL)` })
    .regex(printable, { error: 'systemId must be printable ASCII' }),
  password: z.string().min(1, { error: 'password is required' })
    .max(MAX_PASSWORD_LENGTH, { error: `password must be at most ${MAX_PASSWORD_LENGTH} characters (SMPP password is 9 octets with its NUL)` })
    .regex(printable, { error: 'password must be printable ASCII' }),
});
export type Credentials = z.infer<typeof credentialsSchema>;

const ton = (field: string) => z.int({ error: `${field} must be an integer from 0 to 6` })
  .min(0, { error: `${field} must be from 0 to 6` }).max(6, { error: `${field} must be from 0 to 6` });
const npi = (field: string) => z.int({ error: `${field} must be one of ${ALLOWED_NPI.join(', ')}` })
  .refine((v) => (ALLOWED_NPI as readonly number[]).includes(v), { error: `${field} must be one of ${ALLOWED_NPI.join(', ')}` });

const hostname = z.string().min(1).max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$|^[0-9a-fA-F:.]+$/, {
    error: 'smscAddress must be a host name or an IP address',
  });

const tlsObject = z.strictObject({
  enabled: z.boolean().default(true),
  ca: z.string().min(1).max(65_536).optional(),
  servername: z.string().min(1).max(253).optional(),
  rejectUnauthorized: z.boolean().default(true),
});
export type TlsSettings = z.infer<typeof tlsObject>;

export function integrationSchemas(opts: SchemaOptions) {
  const ports = [...STANDARD_PORTS, ...opts.extraPorts];
  const port = z.int({ error: `smscPort must be one of ${ports.join(', ')}` })
    .refine((p) => ports.includes(p), { error: `smscPort must be one of ${ports.join(', ')} (other ports need operator approval: BYO_EXTRA_PORTS)` });
  // `tls: false` is shorthand for `{ enabled: false }`.
  const tls = z.union([z.literal(false).transform((): TlsSettings => ({ enabled: false, rejectUnauthorized: true })), tlsObject])
    .refine((t) => t.enabled || opts.allowPlaintext, {
      error: 'tls: plaintext SMPP is refused; TLS is required unless the engine runs with BYO_ALLOW_PLAINTEXT=1',
    });

  const fields = {
    name: z.string().trim().min(1, { error: 'name is required' }).max(200),
    notes: z.string().max(2000).optional(),
    smscAddress: hostname,
    smscPort: port.default(DEFAULT_PORT),
    inboundPlusPrefix: z.boolean().default(false),
    outboundPlusPrefix: z.boolean().default(false),
    addressTon: ton('addressTon').default(0),
    addressNpi: npi('addressNpi').default(0),
    destinationTon: ton('destinationTon').default(0),
    destinationNpi: npi('destinationNpi').default(0),
    messagesPerSecond: z.int({ error: `messagesPerSecond must be an integer from 1 to ${MAX_MESSAGES_PER_SECOND}` })
      .min(1, { error: `messagesPerSecond must be from 1 to ${MAX_MESSAGES_PER_SECOND}` })
      .max(MAX_MESSAGES_PER_SECOND, { error: `messagesPerSecond must be at most ${MAX_MESSAGES_PER_SECOND}` })
      .default(DEFAULT_MESSAGES_PER_SECOND),
    bindType: z.enum(BIND_TYPES, { error: `bindType must be one of ${BIND_TYPES.join(', ')}` }).default('transceiver'),
    advanced: advancedConfigInputSchema.optional(),
    tls: tls.default({ enabled: true, rejectUnauthorized: true }),
  };

  /** POST body: credentials may come now or later through PUT .../credentials */
  const create = z.strictObject({ ...fields, credentials: credentialsSchema.optional() });
  /** PATCH body: any subset; nothing defaulted, so absent fields keep their stored value */
  const patchFields = Object.fromEntries(
    Object.entries({ ...fields, credentials: credentialsSchema }).map(([k, v]) => [k, unwrapDefault(v).optional()]),
  ) as { [K in keyof typeof fields | 'credentials']: z.ZodOptional<z.ZodType<z.output<K extends keyof typeof fields ? (typeof fields)[K] : typeof credentialsSchema>>> };
  const patch = z.strictObject(patchFields);
  return { create, patch, credentials: credentialsSchema };
}

function unwrapDefault(t: z.ZodType): z.ZodType {
  return t instanceof z.ZodDefault ? (t.unwrap() as z.ZodType) : t;
}

export type IntegrationSchemas = ReturnType<typeof integrationSchemas>;
export type IntegrationCreate = z.output<IntegrationSchemas['create']>;
/** The stored config: everything but credentials, which are kept as ciphertext beside it. */
export type IntegrationConfig = Omit<IntegrationCreate, 'credentials'>;

/** Turns zod issues into one message naming each field and what it accepts. */
export function describeIssues(error: z.ZodError): { message: string; details: { path: string; message: string }[] } {
  const details = error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(body)';
    const msg = i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message;
    return { path, message: msg.startsWith(path) ? msg : `${path}: ${msg}` };
  });
  return { message: details.map((d) => d.message).join('; '), details };
}
