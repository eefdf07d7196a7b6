// Org API tokens in KV on a real nats-server: only the hash is stored, lookups by id, lists by org,
// revocation removes the key (history 1: no old revision keeps the hash).
import { describe, expect, it, vi } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createKvTokenStore } from '../../../src/adapters/nats/index.js';
import { BUCKETS, keys } from '../../../src/adapters/nats/subjects.js';
import { apiTokenSecretMatches, mintApiToken, parseApiToken } from '../../../src/domain/index.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';

const f = useNatsServer();

describe('KV token store', () => {
  it('stores the hash only, finds by id, lists by org and revokes within the org only', async () => {
    const kv = await new Kvm(jetstream(f.nc)).create(BUCKETS.tokens, { history: 1 });
    const store = createKvTokenStore(kv, { warn: vi.fn() });
    const a = mintApiToken('acme', 'one', new Date('2030-01-01T00:00:00Z'));
    const g = mintApiToken('globex', 'two', new Date('2030-01-01T00:00:00Z'));
    await store.create(a.record);
    await store.create(g.record);
    await expect(store.create(a.record)).rejects.toThrow();

    const parsed = parseApiToken(a.token)!;
    const raw = new TextDecoder().decode((await kv.get(keys.apiToken(parsed.id)))!.value);
    expect(raw).not.toContain(parsed.secret);
    const found = await store.get(parsed.id);
    expect(found && apiTokenSecretMatches(found, parsed.secret)).toBe(true);
    expect(found && apiTokenSecretMatches(found, parsed.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBe(false);

    expect((await store.listByOrg('acme')).map((r) => r.id)).toEqual([a.record.id]);
    expect(await store.revoke('globex', a.record.id)).toBe(false);
    expect(await store.revoke('acme', a.record.id)).toBe(true);
    expect(await store.get(a.record.id)).toBeUndefined();
    expect(await store.revoke('acme', a.record.id)).toBe(false);
    expect((await store.listByOrg('globex')).map((r) => r.id)).toEqual([g.record.id]);
  });
});
