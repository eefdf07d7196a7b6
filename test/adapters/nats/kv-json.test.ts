import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { z } from 'zod';
import { casUpdateJson, CasContentionError, getJson } from '../../../src/adapters/nats/kv-json.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const counter = z.strictObject({ n: z.int(), by: z.array(z.string()) });
const logger = { warn: vi.fn() };
let server: TestNatsServer;
let nc: NatsConnection;
let kv: KV;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, timeout: 5_000 });
  kv = await new Kvm(jetstream(nc)).create('kv_json_test', { history: 1 });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('casUpdateJson', () => {
  it('creates an absent key and never loses a concurrent write, even when all start from nothing', async () => {
    const writers = Array.from({ length: 10 }, (_, i) => `w${i}`);
    await Promise.all(writers.map((w) => casUpdateJson(kv, 'race', counter,
      (cur) => ({ n: (cur?.value.n ?? 0) + 1, by: [...(cur?.value.by ?? []), w] }), { logger })));
    const stored = await getJson(kv, 'race', counter, logger);
    expect(stored?.value.n).toBe(10);
    expect([...(stored?.value.by ?? [])].sort()).toEqual([...writers].sort());
  });

  it('overwrites a corrupt value instead of failing on it', async () => {
    await kv.put('corrupt', 'not json');
    const out = await casUpdateJson(kv, 'corrupt', counter, (cur) => ({ n: cur ? -1 : 1, by: [] }), { logger });
    expect(out.value.n).toBe(1);
    expect(logger.warn).toHaveBeenCalled();
  });

  it('validates what it writes', async () => {
    await expect(casUpdateJson(kv, 'invalid', counter, () => ({ n: 1.5, by: [] }), { logger })).rejects.toThrow();
    expect(await kv.get('invalid')).toBeNull();
  });

  it('gives up after the attempt limit under contention', async () => {
    await kv.put('busy', JSON.stringify({ n: 0, by: [] }));
    // every mutate lets another writer win the race first
    const attempt = casUpdateJson(kv, 'busy', counter, (cur) => {
      void kv.put('busy', JSON.stringify({ n: (cur?.value.n ?? 0) + 100, by: [] }));
      return { n: -1, by: [] };
    }, { logger, maxAttempts: 3 });
    await expect(attempt).rejects.toThrow(CasContentionError);
  });
});
