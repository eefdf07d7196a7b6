// The integration as stored in KV `byo_integrations` (key `<org>.<id>`): config, desired state and
// credentials as ciphertext only. zod guards the KV boundary in both directions.
import { z } from 'zod';

export const DESIRED_STATES = ['active', 'inactive', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export const storedCredentialsSchema = z.strictObject({
  /** shown to users (GET returns it); the password is never stored or shown in clear */
  systemId: z.string(),
  /** AES-256-GCM envelope of the JSON { systemId, password }: see src/adapters/secrets */
  ciphertext: z.string(),
});
export type StoredCredentials = z.infer<typeof storedCredentialsSchema>;

export const integrationRecordSchema = z.strictObject({
  version: z.literal(1),
  org: z.string(),
  id: z.string(),
  /** the validated IntegrationConfig (integration-schema.ts); re-validated when loaded */
  config: z.record(z.string(), z.unknown()),
  credentials: storedCredentialsSchema.optional(),
  desired: z.enum(DESIRED_STATES),
  /** bumped on every config or credentials change: an active integration re-binds when it moves */
  configRevision: z.int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IntegrationRecord = z.infer<typeof integrationRecordSchema>;

export type IntegrationChange =
  | { op: 'put'; org: string; id: string; record: IntegrationRecord }
  | { op: 'del'; org: string; id: string };

/** KV-backed in production (src/adapters/nats/integration-store.ts); in memory in HTTP unit tests. */
export interface IntegrationStore {
  /** fails with StoreConflictError when the id exists */
  create(record: IntegrationRecord): Promise<void>;
  get(org: string, id: string): Promise<IntegrationRecord | undefined>;
  list(org?: string): Promise<IntegrationRecord[]>;
  /** compare-and-set loop; `mutate` returns the new record. Fails with StoreNotFoundError. */
  update(org: string, id: string, mutate: (current: IntegrationRecord) => IntegrationRecord): Promise<IntegrationRecord>;
  /** erases the key and its history (config and ciphertext must be gone) */
  purge(org: string, id: string): Promise<void>;
  /** every current record first, then changes as they happen, until the signal aborts */
  watch(signal: AbortSignal): AsyncIterable<IntegrationChange>;
}

export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
  readonly code = 'CONFLICT';
}
export class StoreNotFoundError extends Error {
  override name = 'StoreNotFoundError';
  readonly code = 'NOT_FOUND';
}
