// Typed door to the untyped `smpp` package. We use only its PDU codec (ARCHITECTURE.md §4: its
// session never times out, drops callbacks on close, wedges after a malformed PDU, buffers without limit).
import { createRequire } from 'node:module';

interface PackagePdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  command_length: number;
  toBuffer(): Buffer;
  [field: string]: unknown;
}

interface PduConstructor {
  new (command: string, options?: Record<string, unknown>): PackagePdu;
  new (buffer: Buffer): PackagePdu;
  maxLength: number;
}

interface PackageDefs {
  commands: Record<string, { id: number }>;
  commandsById: Record<number, { command: string } | undefined>;
}

const require = createRequire(import.meta.url);

export const PackagePDU = (require('smpp/lib/pdu.js') as { PDU: PduConstructor }).PDU;
export const packageDefs = require('smpp/lib/defs.js') as PackageDefs;
export type { PackagePdu };
