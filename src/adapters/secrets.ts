// SMPP credentials at rest: an AES-256-GCM envelope under the engine's master key. The additional
// authenticated data names the integration (`<org>.<id>`), so a ciphertext copied onto another
// integration's record fails to open instead of binding with someone else's account.
// Errors never carry key material, plaintext or ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Credentials } from '../config/index.js';
import { credentialsAad, StoreNotFoundError, type IntegrationStore, type StoredCredentials } from '../domain/index.js';

export const MASTER_KEY_FILE = 'master.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export type SecretsErrorCode = 'MASTER_KEY_INVALID' | 'CREDENTIALS_UNREADABLE';

export class SecretsError extends Error {
  override name = 'SecretsError';
  constructor(readonly code: SecretsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

// The AAD that ties a ciphertext to its integration: its one source is src/domain (the HTTP adapter seals too).
export { credentialsAad };

/**
 * BYO_MASTER_KEY when set (32 bytes as base64 / base64url, or 64 hex characters); otherwise
 * `<dataDir>/master.key`, generated with mode 0600 on first start.
 */
export async function loadMasterKey(opts: { env: string | undefined; dataDir: string }): Promise<Buffer> {
  if (opts.env !== undefined && opts.env.trim() !== '') {
    return parseMasterKey(opts.env, 'BYO_MASTER_KEY');
  }
  const file = join(opts.dataDir, MASTER_KEY_FILE);
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // Written aside, then hard-linked into place: the link appears complete or not at all and never
  // replaces an existing key, so two instances starting on one data dir agree on one key.
  const generated = randomBytes(KEY_BYTES);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${generated.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600); // the mode above is subject to the umask
    await link(tmp, file);
    return generated;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  const text = await readFile(file, 'utf8');
  if (((await stat(file)).mode & 0o077) !== 0) {
    throw new SecretsError('MASTER_KEY_INVALID', `${file} is readable by other users: chmod 600 it`);
  }
  return parseMasterKey(text, file);
}

/** BYO_MASTER_KEY_PREVIOUS: the key being retired, opened with but never sealed with. */
export function parsePreviousMasterKey(env: string | undefined): Buffer | undefined {
  return env === undefined || env.trim() === '' ? undefined : parseMasterKey(env, 'BYO_MASTER_KEY_PREVIOUS');
}

function parseMasterKey(text: string, source: string): Buffer {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(s)) key = Buffer.from(s, 'base64');
  else if (/^[A-Za-z0-9_-]{43}$/.test(s)) key = Buffer.from(s, 'base64url');
  if (key?.length !== KEY_BYTES) {
    throw new SecretsError('MASTER_KEY_INVALID',
      `${source} must be 32 bytes given as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32`);
  }
  return key;
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SecretsError('MASTER_KEY_INVALID', `the master key must be ${KEY_BYTES} bytes`);
}

export function sealCredentials(key: Buffer, creds: Credentials, aad: string): StoredCredentials {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const plaintext = Buffer.from(JSON.stringify({ systemId: creds.systemId, password: creds.password }), 'utf8');
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    systemId: creds.systemId,
    ciphertext: [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.'),
  };
}

const openedSchema = z.object({ systemId: z.string(), password: z.string() });

/**
 * Opens with the first key of `keys` that fits: the current master key, then the previous one while a
 * rotation is under way (src/adapters/key-rotation.ts). `opened.keyIndex` says which one did.
 */
export function openCredentials(keys: Buffer | readonly Buffer[], stored: StoredCredentials, aad: string): Credentials {
  return openCredentialsWith(keys, stored, aad).credentials;
}

export function openCredentialsWith(keys: Buffer | readonly Buffer[], stored: StoredCredentials, aad: string): { credentials: Credentials; keyIndex: number } {
  const ring = Buffer.isBuffer(keys) ? [keys] : keys;
  if (ring.length === 0) throw new SecretsError('MASTER_KEY_INVALID', 'no master key to open credentials with');
  let last: unknown;
  for (const [keyIndex, key] of ring.entries()) {
    try {
      return { credentials: openWithKey(key, stored, aad), keyIndex };
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

function openWithKey(key: Buffer, stored: StoredCredentials, aad: string): Credentials {
  assertKey(key);
  const unreadable = (why: string) => new SecretsError('CREDENTIALS_UNREADABLE', `stored credentials cannot be opened: ${why}`);
  const parts = stored.ciphertext.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw unreadable(`unknown envelope format (expected ${VERSION})`);
  const [iv, tag, ct] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable('malformed envelope');
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    // no cause: the crypto error adds nothing and must not tempt anyone to log internals
    throw unreadable('wrong master key, wrong integration, or the ciphertext was altered');
  }
  const opened = openedSchema.safeParse(safeJson(plaintext.toString('utf8')));
  if (!opened.success) throw unreadable('decrypted content is not a credentials object');
  return opened.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface RotationReport {
  /** were under the previous key, now sealed with the current one */
  reEncrypted: number;
  /** already under the current key */
  current: number;
  /** opened with neither key (reported by integration, never retried here) */
  unreadable: { org: string; id: string }[];
}

/**
 * Re-seals every stored credential that only the previous key opens with the current key, in place:
 * each write is a compare-and-set that applies only while the record still holds the ciphertext that
 * was read, so a password replaced meanwhile over HTTP is never overwritten. configRevision and
 * updatedAt stay as they are: the credentials did not change, so nothing rebinds. Idempotent; once it
 * reports nothing re-encrypted and nothing unreadable, BYO_MASTER_KEY_PREVIOUS can be removed.
 */
export async function rotateMasterKey(store: IntegrationStore, keys: { current: Buffer; previous: Buffer }): Promise<RotationReport> {
  const report: RotationReport = { reEncrypted: 0, current: 0, unreadable: [] };
  for (const record of await store.list()) {
    const stored = record.credentials;
    if (!stored || record.desired === 'deleted') continue;
    const aad = credentialsAad(record.org, record.id);
    let opened: { credentials: Credentials; keyIndex: number };
    try {
      opened = openCredentialsWith([keys.current, keys.previous], stored, aad);
    } catch {
      report.unreadable.push({ org: record.org, id: record.id });
      continue;
    }
    if (opened.keyIndex === 0) {
      report.current++;
      continue;
    }
    const sealed = sealCredentials(keys.current, opened.credentials, aad);
    let replaced = false;
    await store.update(record.org, record.id, (now) => {
      // (a compare-and-set retry calls this again: decide afresh each time)
      replaced = now.credentials?.ciphertext === stored.ciphertext;
      return replaced ? { ...now, credentials: sealed } : now; // changed meanwhile: leave it
    }).catch((err: unknown) => {
      if (!(err instanceof StoreNotFoundError)) throw err; // deleted meanwhile: nothing to rotate
    });
    if (replaced) report.reEncrypted++;
    else report.current++;
  }
  return report;
}
