// Fuzz target for MO reassembly: parts of concatenated messages in any order, repeated, with totals
// and part numbers that disagree, across groups. The assembler (over in-memory KV and publisher
// stand-ins) must never reject, must publish each group once, and must leave no stored part behind.
import fc from 'fast-check';
import pino from 'pino';
import type { KV } from '@nats-io/kv';
import { MoAssembler, type MoPart } from '../../src/actors/inbound/mo-assembler.js';
import type { SubscriberRegistry } from '../../src/actors/inbound/subscriber-registry.js';
import type { JsPublisher } from '../../src/adapters/nats/index.js';
import { DEFAULT_KEYWORDS } from '../../src/domain/index.js';
import { FuzzFinding, type FuzzTarget } from './targets.js';

const logger = pino({ level: 'silent' });
const WAIT_MS = 2_000;

const partArb: fc.Arbitrary<MoPart> = fc.record({
  from: fc.constantFrom('+447700900001', '+447700900002'),
  text: fc.oneof(fc.constantFrom('STOP', 'HELP', 'start', ''), fc.string({ unit: 'binary', maxLength: 20 })),
  concat: fc.oneof(fc.constant(undefined), fc.record({
    reference: fc.integer({ min: 0, max: 3 }), total: fc.integer({ min: 1, max: 4 }), sequence: fc.integer({ min: 1, max: 4 }),
    referenceBits: fc.constantFrom(8 as const, 16 as const),
  })),
}).map(({ from, text, concat }) => ({
  org: 'acme', integration: 'i1', from, to: '+15550009000', text, dataCoding: 0, receivedAt: new Date().toISOString(),
  // the decoder only hands on part numbers within 1..total (test/fuzz/targets.ts checks that)
  ...(concat ? { concat: { ...concat, sequence: Math.min(concat.sequence, concat.total) } } : {}),
}));

async function reassemble(parts: MoPart[]): Promise<void> {
  const stored = new Map<string, Uint8Array>();
  const published: string[] = [];
  const kv = {
    put: async (k: string, v: Uint8Array) => { stored.set(k, v); return 1; },
    purge: async (k: string) => { stored.delete(k); },
  } as unknown as KV;
  const publisher = { publish: async (subject: string, payload: string) => { published.push(`${subject} ${payload}`); return { seq: 1 }; } } as unknown as JsPublisher;
  const subscribers = { apply: async () => 'subscribed' } as unknown as SubscriberRegistry;
  const a = new MoAssembler({ kv, publisher, subscribers, logger, reassemblyTimeoutMs: 5, retryDelayMs: 5, keywordsFor: () => DEFAULT_KEYWORDS });
  try {
    for (const p of parts) await a.receive(p);
    const deadline = Date.now() + WAIT_MS;
    while ((a.pendingGroups > 0 || stored.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    if (a.pendingGroups > 0 || stored.size > 0) throw new FuzzFinding(`${a.pendingGroups} groups and ${stored.size} stored parts left after ${WAIT_MS} ms`);
    const mos = published.filter((p) => p.startsWith('byo.mo.')).length;
    if (mos === 0 && parts.length > 0) throw new FuzzFinding('parts in, no MO out');
  } finally {
    a.stop();
  }
}

export const MO_TARGET: FuzzTarget = {
  name: 'MO reassembly (parts in any order, repeated, mismatched totals)',
  weight: 1,
  property: () => fc.asyncProperty(fc.array(partArb, { minLength: 1, maxLength: 10 }), reassemble),
};
