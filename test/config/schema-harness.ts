// Shared by the integration-schema and advanced-schema tests: schema helpers.
import { describeIssues, integrationSchemas, type SchemaOptions } from '../../src/config/integration-schema.js';

export const strict: SchemaOptions = { extraPorts: [], allowPlaintext: false };
export const schemas = integrationSchemas(strict);
export const minimal = { name: 'Vendor A', smscAddress: 'smsc.example.com' };

export function rejection(input: Record<string, unknown>, opts: SchemaOptions = strict): string {
  const r = integrationSchemas(opts).create.safeParse({ ...minimal, ...input });
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return describeIssues(r.error).message;
}

export function accepted(input: Record<string, unknown>, opts: SchemaOptions = strict) {
  const r = integrationSchemas(opts).create.safeParse({ ...minimal, ...input });
  if (!r.success) throw new Error(`expected ${JSON.stringify(input)} to pass: ${describeIssues(r.error).message}`);
  return r.data;
}

