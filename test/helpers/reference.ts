// The product reference sits beside the repository (../shared/reference), in CI as on a developer machine.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REFERENCE_PATH = fileURLToPath(new URL('../../../shared/reference/byo-sms-for-smpp.txt', import.meta.url));

export const readReference = (): string => readFileSync(REFERENCE_PATH, 'utf8');
