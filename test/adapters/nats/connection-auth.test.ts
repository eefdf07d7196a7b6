// The engine's NATS connection with credentials and TLS (NATS_USER/NATS_PASSWORD, NATS_TOKEN,
// NATS_TLS_CA) against real nats-servers that demand them; without them the connection is refused
// with a clear error. NATS_CREDS (operator/JWT mode) is wired the same way but needs an `nsc`-made
// account to test and is not exercised here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { connectNats, NatsConnectError } from '../../../src/adapters/nats/index.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';
import { testCertificates } from '../../helpers/tls-cert.js';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'byo-nats-auth-'));
const servers: TestNatsServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});
const start = async (args: string[]) => {
  const s = await startNatsServer({ extraArgs: args });
  servers.push(s);
  return s;
};
const connectWith = (url: string, auth: Parameters<typeof connectNats>[0]['auth']) =>
  connectNats({ url, dataDir: dir, logger, auth, connectTimeoutMs: 3_000 });

describe('NATS credentials and TLS', () => {
  it('user and password', async () => {
    const s = await start(['--user', 'engine', '--pass', 'engine-pw-123']);
    const h = await connectWith(s.url, { user: 'engine', password: 'engine-pw-123' });
    expect(h.state()).toBe('connected');
    await h.close();
    await expect(connectWith(s.url, { user: 'engine', password: 'wrong' })).rejects.toThrow(NatsConnectError);
    await expect(connectWith(s.url, {})).rejects.toThrow(/authorization/i);
  });

  it('token', async () => {
    const s = await start(['--auth', 'tok-0123456789']);
    const h = await connectWith(s.url, { token: 'tok-0123456789' });
    expect(h.state()).toBe('connected');
    await h.close();
    await expect(connectWith(s.url, { token: 'nope' })).rejects.toThrow(/authorization/i);
  });

  it('TLS verified against NATS_TLS_CA; refused without the CA', async () => {
    const { ca, cert, key } = testCertificates();
    for (const [name, pem] of [['ca.pem', ca], ['cert.pem', cert], ['key.pem', key]] as const) writeFileSync(join(dir, name), pem);
    const s = await start(['--tls', '--tlscert', join(dir, 'cert.pem'), '--tlskey', join(dir, 'key.pem')]);
    const h = await connectWith(s.url, { tlsCaFile: join(dir, 'ca.pem') });
    expect(h.state()).toBe('connected');
    await h.close();
    await expect(connectWith(s.url, {})).rejects.toThrow(NatsConnectError);
  });

  it('an unreadable NATS_CREDS file is a clear error', async () => {
    await expect(connectWith('nats://127.0.0.1:1', { credsFile: join(dir, 'missing.creds') })).rejects.toThrow(/cannot read NATS_CREDS/);
  });
});
