// Org-scoped API tokens: what is stored (never the secret, only its SHA-256) and the port the HTTP
// adapter uses. A token reads `byotok_<id>_<secret>`: the id finds the record, the secret is checked
// against the stored hash in constant time. The secret is shown once, when the token is created.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ID_PATTERN } from '../config/index.js';

export const API_TOKEN_PREFIX = 'byotok_';
const TOKEN_RE = /^byotok_([a-f0-9]{24})_([A-Za-z0-9_-]{43})$/;

export const apiTokenRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[a-f0-9]{24}$/),
  org: z.string().regex(ID_PATTERN),
  name: z.string().max(100),
  /** hex SHA-256 of the secret part */
  secretSha256: z.string().regex(/^[a-f0-9]{64}$/),
  createdAt: z.string(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;
/** what the API shows: never the hash */
export type ApiTokenView = Omit<ApiTokenRecord, 'secretSha256' | 'version'>;

/** POST /v1/orgs/:org/tokens: an optional label; the body may be absent */
export const apiTokenCreateSchema = z.object({ name: z.string().trim().min(1).max(100).optional() }).strict().optional();

export interface ApiTokenStore {
  create(record: ApiTokenRecord): Promise<void>;
  get(id: string): Promise<ApiTokenRecord | undefined>;
  listByOrg(org: string): Promise<ApiTokenRecord[]>;
  /** true when it existed in that org and is now gone */
  revoke(org: string, id: string): Promise<boolean>;
}

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** A new token: the record to store and the one-time secret to hand to the caller. */
export function mintApiToken(org: string, name: string, now: Date): { record: ApiTokenRecord; token: string } {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record: ApiTokenRecord = { version: 1, id, org, name, secretSha256: sha256Hex(secret), createdAt: now.toISOString() };
  return { record, token: `${API_TOKEN_PREFIX}${id}_${secret}` };
}

/** The id and secret of a presented org token, or undefined when it does not have the shape. */
export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function apiTokenSecretMatches(record: ApiTokenRecord, secret: string): boolean {
  return timingSafeEqual(Buffer.from(sha256Hex(secret), 'hex'), Buffer.from(record.secretSha256, 'hex'));
}

export const apiTokenView = ({ id, org, name, createdAt }: ApiTokenRecord): ApiTokenView => ({ id, org, name, createdAt });
