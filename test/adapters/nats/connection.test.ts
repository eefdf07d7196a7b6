import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connectNats, NatsConnectError, serverAtLeast, type NatsHandle, type NatsStatusEvent } from '../../../src/adapters/nats/connection.js';
import { NatsServerError, NATS_SERVER_MISSING, startNatsServerChild } from '../../../src/adapters/nats/nats-server-child.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const logger = pino({ level: 'silent' });
let server: TestNatsServer;
let dataDir: string;
const handles: NatsHandle[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function tempDataDir() {
  dataDir = await mkdtemp(join(tmpdir(), 'byo-data-'));
  return dataDir;
}

/** A port nothing listens on (freed right after the OS picked it). */
async function unusedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('connectNats', () => {
  it('connects to the given URL and reports the server version', async () => {
    const h = await connectNats({ url: server.url, dataDir: await tempDataDir(), logger });
    handles.push(h);
    expect(h.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.localServer).toBeUndefined();
    expect(h.state()).toBe('connected');
    const info = await h.jsm.getAccountInfo();
    expect(info).toBeDefined();
  });

  it('fails with a clear error when the given URL does not answer', async () => {
    const url = `nats://127.0.0.1:${await unusedPort()}`;
    const attempt = connectNats({ url, dataDir: await tempDataDir(), logger });
    await expect(attempt).rejects.toThrow(NatsConnectError);
    await expect(connectNats({ url, dataDir, logger })).rejects.toThrow(`cannot connect to NATS at ${url}`);
  });

  it('uses the default URL when a server answers there', async () => {
    const h = await connectNats({ defaultUrl: server.url, dataDir: await tempDataDir(), logger });
    handles.push(h);
    expect(h.localServer).toBeUndefined();
  });

  it('starts a local nats-server under the data dir when nothing answers on the default URL, and stops it on close', async () => {
    const port = await unusedPort();
    const h = await connectNats({ defaultUrl: `nats://127.0.0.1:${port}`, dataDir: await tempDataDir(), logger, childReadyTimeoutMs: 10_000 });
    expect(h.localServer?.url).toBe(`nats://127.0.0.1:${port}`);
    expect((await stat(join(dataDir, 'nats', 'jetstream'))).isDirectory()).toBe(true);
    // a JetStream API round trip proves the child runs with -js
    expect((await h.jsm.getAccountInfo()).streams).toBe(0);
    const pid = h.localServer!.pid;
    await h.close();
    await h.close(); // idempotent
    expect(() => process.kill(pid, 0)).toThrow();
    expect(h.state()).toBe('closed');
  });

  it('reports disconnect and reconnect as events when the server restarts', async () => {
    const own = await startNatsServer();
    try {
      const h = await connectNats({ url: own.url, dataDir: await tempDataDir(), logger, reconnectTimeWaitMs: 100 });
      handles.push(h);
      const events: NatsStatusEvent[] = [];
      const reconnected = (async () => {
        for await (const ev of h.status()) {
          events.push(ev);
          if (ev.type === 'nats.reconnected') return;
        }
      })();
      await own.kill();
      await own.restart();
      await within(reconnected);
      expect(events.map((e) => e.type)).toContain('nats.disconnected');
      expect(h.state()).toBe('connected');
    } finally {
      await own.stop();
    }
  });
});

describe('startNatsServerChild', () => {
  it('says how to install nats-server when the binary is missing', async () => {
    const attempt = startNatsServerChild({ storeDir: join(await tempDataDir(), 'nats'), binary: 'nats-server-does-not-exist' });
    await expect(attempt).rejects.toThrow(NATS_SERVER_MISSING);
    await expect(startNatsServerChild({ storeDir: join(dataDir, 'nats'), binary: 'nats-server-does-not-exist' }))
      .rejects.toMatchObject({ name: 'NatsServerError', code: 'NATS_SERVER_NOT_FOUND' });
  });

  it('reports a server that exits before it is ready, with its log', async () => {
    const attempt = startNatsServerChild({ storeDir: join(await tempDataDir(), 'nats'), port: server.port });
    await expect(attempt).rejects.toThrow(NatsServerError);
    await expect(startNatsServerChild({ storeDir: join(dataDir, 'nats'), port: server.port })).rejects.toThrow(/exited .* before it was ready/s);
  });
});

describe('serverAtLeast', () => {
  it.each([
    ['2.9.10', '2.10.0', false], ['2.10.0', '2.10.0', true], ['2.11.3', '2.10.0', true], ['2.9.10', '2.9.9', true], ['v2.9.10', '2.9.10', true],
  ])('%s ≥ %s → %s', (have, min, want) => {
    expect(serverAtLeast(have, min)).toBe(want);
  });
});
