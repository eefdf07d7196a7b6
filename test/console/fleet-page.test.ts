// The console's fleet rows: each integration lists its own numbers (grouped once, not filtered per row),
// an org's page its own integrations only. Plain in-memory deps: this is the page's shaping, not a socket.
import { describe, expect, it } from 'vitest';
import { fleetPage } from '../../src/console/fleet.js';
import { defaultKeywords, type IntegrationRecord, type NumberRecord, type NumberStore } from '../../src/domain/index.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';

const at = '2026-12-04T00:00:00.000Z';
const number = (e164: string, org: string, integration: string): NumberRecord => ({
  version: 1, e164, org, integration, type: 'local', keywords: defaultKeywords(), state: 'active', createdAt: at, updatedAt: at,
});
const record = (org: string, id: string, name: string): IntegrationRecord => ({
  version: 1, org, id, config: { name, smscAddress: 'smsc.example.com' }, desired: 'inactive', configRevision: 1, createdAt: at, updatedAt: at,
});

async function page(org?: string) {
  const store = new MemoryIntegrationStore();
  for (const [o, id, name] of [['acme', 'a1', 'A one'], ['acme', 'a2', 'A two'], ['globex', 'g1', 'G one']] as const) await store.create(record(o, id, name));
  const numbers = [
    number('+15550000001', 'acme', 'a1'), number('+15550000002', 'acme', 'a2'), number('+15550000003', 'acme', 'a1'),
    number('+15550000004', 'globex', 'g1'), number('+15550000005', 'acme', 'gone'),
  ];
  return fleetPage({
    store, numbers: { list: () => Promise.resolve(numbers) } as unknown as NumberStore,
    state: { integrations: () => Promise.resolve([]), integration: () => Promise.resolve(undefined) },
    stats: { activity: () => { throw new Error('not owned here'); }, queueDepths: () => Promise.resolve(new Map()) },
    instanceId: 'engine-1', windowSize: 10,
  }, org);
}

describe('fleetPage', () => {
  it("gives each row its own integration's numbers", async () => {
    const rows = (await page()).integrations.map((r) => [r.org, r.id, r.numbers.map((n) => n.e164)]);
    expect(rows).toEqual([
      ['acme', 'a1', ['+15550000001', '+15550000003']],
      ['acme', 'a2', ['+15550000002']],
      ['globex', 'g1', ['+15550000004']],
    ]);
  });

  it("shows an org's page its own integrations and numbers only", async () => {
    const rows = (await page('globex')).integrations;
    expect(rows.map((r) => [r.id, r.numbers])).toEqual([['g1', [{ e164: '+15550000004', state: 'active' }]]]);
  });
});
