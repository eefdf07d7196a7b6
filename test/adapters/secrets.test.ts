import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialsAad, loadMasterKey, MASTER_KEY_FILE, openCredentials, sealCredentials, SecretsError,
} from '../../src/adapters/secrets.js';

const creds = { systemId: 'acme01', password: 'pa55w0rd' };
const aad = credentialsAad('org1', 'int1');
let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function tempDir() {
  dir = await mkdtemp(join(tmpdir(), 'byo-secrets-'));
  return dir;
}

describe('credential envelope', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the password in clear', () => {
    const stored = sealCredentials(key, creds, aad);
    expect(stored.systemId).toBe('acme01');
    expect(stored.ciphertext).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored.ciphertext).not.toContain('pa55w0rd');
    expect(Buffer.from(stored.ciphertext.split('.')[3]!, 'base64url').toString()).not.toContain('pa55w0rd');
    expect(openCredentials(key, stored, aad)).toEqual(creds);
  });

  it('uses a fresh IV for every seal', () => {
    expect(sealCredentials(key, creds, aad).ciphertext).not.toBe(sealCredentials(key, creds, aad).ciphertext);
  });

  it('detects tampering in every part of the envelope', () => {
    const stored = sealCredentials(key, creds, aad);
    const parts = stored.ciphertext.split('.');
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const altered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => openCredentials(key, { ...stored, ciphertext: altered }, aad)).toThrow(SecretsError);
    }
    expect(() => openCredentials(key, { ...stored, ciphertext: `v2${stored.ciphertext.slice(2)}` }, aad)).toThrow(/unknown envelope format/);
    expect(() => openCredentials(key, { ...stored, ciphertext: 'garbage' }, aad)).toThrow(SecretsError);
  });

  it('refuses the wrong key and the wrong integration without leaking secrets', () => {
    const stored = sealCredentials(key, creds, aad);
    const attempts = [
      () => openCredentials(randomBytes(32), stored, aad),
      () => openCredentials(key, stored, credentialsAad('org1', 'other')),
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SecretsError);
      const err = caught as SecretsError;
      expect(err.code).toBe('CREDENTIALS_UNREADABLE');
      const text = `${err.message} ${String(err.stack)} ${JSON.stringify(err)}`;
      expect(text).not.toContain('pa55w0rd');
      expect(text).not.toContain(stored.ciphertext);
      expect(text).not.toContain(key.toString('base64'));
    }
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => sealCredentials(randomBytes(16), creds, aad)).toThrow(SecretsError);
  });
});

describe('loadMasterKey', () => {
  const raw = randomBytes(32);

  it.each([
    ['base64', raw.toString('base64')],
    ['base64url', raw.toString('base64url')],
    ['hex', raw.toString('hex')],
    ['hex with whitespace', ` ${raw.toString('hex').toUpperCase()}\n`],
  ])('accepts BYO_MASTER_KEY as %s', async (_, env) => {
    expect((await loadMasterKey({ env, dataDir: await tempDir() })).equals(raw)).toBe(true);
    expect(await stat(join(dir!, MASTER_KEY_FILE)).catch(() => undefined)).toBeUndefined();
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['hex of the wrong length', randomBytes(31).toString('hex')],
    ['not an encoding', 'correct horse battery staple'],
  ])('refuses BYO_MASTER_KEY that is %s, without echoing it', async (_, env) => {
    const attempt = loadMasterKey({ env, dataDir: await tempDir() });
    await expect(attempt).rejects.toThrow(SecretsError);
    await expect(loadMasterKey({ env, dataDir: dir! })).rejects.toThrow(/BYO_MASTER_KEY must be 32 bytes .* base64 .* hex/);
    await expect(loadMasterKey({ env, dataDir: dir! })).rejects.not.toThrow(env);
  });

  it('generates a key file with mode 0600 in a new data dir, then reuses it', async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const first = await loadMasterKey({ env: undefined, dataDir });
    expect(first.length).toBe(32);
    const file = join(dataDir, MASTER_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(first)).toBe(true);
    expect((await loadMasterKey({ env: '', dataDir })).equals(first)).toBe(true);
  });

  it('two instances starting together agree on one key', async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ env: undefined, dataDir })));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    expect((await readdir(dataDir)).sort()).toEqual([MASTER_KEY_FILE]);
  });

  it('refuses a key file other users can read', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, MASTER_KEY_FILE), `${raw.toString('base64')}\n`, { mode: 0o644 });
    await expect(loadMasterKey({ env: undefined, dataDir })).rejects.toThrow(/chmod 600/);
  });
});
