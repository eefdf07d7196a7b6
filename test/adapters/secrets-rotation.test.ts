// Master-key rotation over an in-memory store: credentials under the previous key are re-sealed with
// the current one by compare-and-set, a password replaced meanwhile is left alone, nothing else in the
// record changes, and what neither key opens is reported. The e2e across restarts is
// test/e2e/key-rotation.test.ts.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  credentialsAad, openCredentials, parsePreviousMasterKey, rotateMasterKey, sealCredentials, SecretsError,
} from '../../src/adapters/secrets.js';
import type { IntegrationRecord } from '../../src/domain/index.js';
import { MemoryIntegrationStore } from '../helpers/memory-integration-store.js';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const strayKey = randomBytes(32);

const record = (id: string, key: Buffer | undefined, password = `pw-${id}`): IntegrationRecord => ({
  version: 1, org: 'acme', id, config: { name: id } as never, desired: 'active', configRevision: 3,
  createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z',
  ...(key ? { credentials: sealCredentials(key, { systemId: `sys-${id}`, password }, credentialsAad('acme', id)) } : {}),
});

describe('rotateMasterKey', () => {
  it('re-seals what the previous key opens, keeps what the current key opens, reports the rest', async () => {
    const store = new MemoryIntegrationStore();
    for (const r of [record('a', oldKey), record('b', oldKey), record('c', newKey), record('d', undefined), record('e', strayKey)]) await store.create(r);
    const before = await store.get('acme', 'a');

    const report = await rotateMasterKey(store, { current: newKey, previous: oldKey });
    expect(report).toEqual({ reEncrypted: 2, current: 1, unreadable: [{ org: 'acme', id: 'e' }] });

    for (const id of ['a', 'b', 'c']) {
      const r = (await store.get('acme', id))!;
      expect(openCredentials(newKey, r.credentials!, credentialsAad('acme', id))).toEqual({ systemId: `sys-${id}`, password: `pw-${id}` });
      expect(() => openCredentials(oldKey, r.credentials!, credentialsAad('acme', id))).toThrow(SecretsError);
    }
    const after = (await store.get('acme', 'a'))!;
    expect({ ...after, credentials: undefined }).toEqual({ ...before, credentials: undefined });
    // a second run finds nothing left under the previous key
    expect(await rotateMasterKey(store, { current: newKey, previous: oldKey })).toEqual({ reEncrypted: 0, current: 3, unreadable: [{ org: 'acme', id: 'e' }] });
  });

  it('leaves a password replaced between the read and the write (compare-and-set)', async () => {
    const store = new MemoryIntegrationStore();
    await store.create(record('a', oldKey));
    const replaced = sealCredentials(newKey, { systemId: 'sys-a', password: 'brand-new' }, credentialsAad('acme', 'a'));
    // the HTTP API writes a new password while the rotation is between its list() and its update()
    const racing = Object.assign(Object.create(store) as MemoryIntegrationStore, {
      list: async () => {
        const listed = await store.list();
        await store.update('acme', 'a', (r) => ({ ...r, credentials: replaced, configRevision: r.configRevision + 1 }));
        return listed;
      },
    });
    const report = await rotateMasterKey(racing, { current: newKey, previous: oldKey });
    expect(report.reEncrypted).toBe(0);
    const r = (await store.get('acme', 'a'))!;
    expect(openCredentials(newKey, r.credentials!, credentialsAad('acme', 'a')).password).toBe('brand-new');
  });

  it('opens with either key of a ring, and parses BYO_MASTER_KEY_PREVIOUS', () => {
    const sealed = sealCredentials(oldKey, { systemId: 's', password: 'p' }, credentialsAad('acme', 'x'));
    expect(openCredentials([newKey, oldKey], sealed, credentialsAad('acme', 'x')).password).toBe('p');
    expect(() => openCredentials([newKey], sealed, credentialsAad('acme', 'x'))).toThrow(/wrong master key/);
    expect(parsePreviousMasterKey(undefined)).toBeUndefined();
    expect(parsePreviousMasterKey(oldKey.toString('base64'))).toEqual(oldKey);
    expect(() => parsePreviousMasterKey('short')).toThrow(/BYO_MASTER_KEY_PREVIOUS must be 32 bytes/);
  });
});
