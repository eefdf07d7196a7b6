// Shared by the integration-schema and advanced-schema tests: the reference text and schema helpers.
import { describeIssues, integrationSchemas, type SchemaOptions } from '../../src/config/integration-schema.js';
import { readReference, REFERENCE_PATH } from '../helpers/reference.js';

export const reference = readReference();

/** The first balanced JSON object after `marker` in the reference text. */
export function jsonBlockAfter(marker: string): unknown {
  const at = reference.indexOf(marker);
  if (at < 0) throw new Error(`"${marker}" not found in ${REFERENCE_PATH}`);
  const start = reference.indexOf('{', at);
  let depth = 0;
  let inString = false;
  for (let i = start; i < reference.length; i++) {
    const c = reference[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(reference.slice(start, i + 1));
  }
  throw new Error(`unbalanced JSON after "${marker}"`);
}

export const numbersIn = (s: string) => (s.match(/\d+/g) ?? []).map(Number);

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

