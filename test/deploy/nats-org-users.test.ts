// deploy/nats/org-users.conf on a real nats-server: an org's user sends on its own byo.mt subjects
// and reads its own statuses, inbound and events; every step outside that is refused by the server
// (a "Permissions Violation" on the client) and nothing reaches the other org.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureStreams, subjects, STREAMS, BUCKETS } from '../../src/adapters/nats/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';

const CONF = fileURLToPath(new URL('../../deploy/nats/org-users.conf', import.meta.url));
const PW = { engine: 'engine-pw-0123456789', acme: 'acme-pw-0123456789', globex: 'globex-pw-0123456789' };
const WAIT_MS = 3_000;

let server: TestNatsServer;
let engine: NatsConnection;
let acme: NatsConnection;

const as = (user: 'engine' | 'acme' | 'globex') =>
  connect({ servers: server.url, user, pass: PW[user], timeout: 5_000, inboxPrefix: user === 'engine' ? undefined : `_INBOX_${user}` });

/** The next permission error the server reports on this connection, or undefined within the wait. */
async function nextPermissionError(nc: NatsConnection): Promise<string | undefined> {
  const it = nc.status()[Symbol.asyncIterator]();
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), WAIT_MS));
  for (;;) {
    const next = await Promise.race([it.next(), timeout]);
    if (!next || next.done) return undefined;
    const s = next.value;
    if (s.type === 'error' && /permission/i.test(String(s.error.message))) return s.error.message;
  }
}

async function mtCount(subject: string): Promise<number> {
  const jsm = await jetstreamManager(engine);
  const info = await jsm.streams.info(STREAMS.mt, { subjects_filter: subject });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  Object.assign(process.env, { BYO_NATS_ENGINE_PASSWORD: PW.engine, BYO_NATS_ACME_PASSWORD: PW.acme, BYO_NATS_GLOBEX_PASSWORD: PW.globex });
  server = await startNatsServer({ extraArgs: ['-c', CONF] });
  engine = await as('engine');
  await ensureStreams(await jetstreamManager(engine), {});
  acme = await as('acme');
});

afterAll(async () => {
  await acme?.close();
  await engine?.close();
  await server?.stop();
});

describe('deploy/nats/org-users.conf', () => {
  it('refuses a wrong password', async () => {
    await expect(connect({ servers: server.url, user: 'acme', pass: 'wrong', timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/authorization/i);
  });

  it('lets an org send on its own byo.mt subject and get the JetStream ack', async () => {
    const reply = await acme.request(subjects.mt('acme', 'i1'), JSON.stringify({ id: 'm1', from: '+15551230001', to: '+15559870000', text: 'hi' }), { timeout: WAIT_MS });
    expect(reply.json<{ stream: string }>().stream).toBe(STREAMS.mt);
    expect(await mtCount(subjects.mt('acme', 'i1'))).toBe(1);
  });

  it("refuses publishing on another org's byo.mt subject: nothing is stored", async () => {
    const refused = nextPermissionError(acme);
    acme.publish(subjects.mt('globex', 'i1'), '{"id":"x","from":"a","to":"b","text":"spoof"}');
    expect(await refused).toMatch(/publish.*byo\.mt\.globex\.i1/i);
    await acme.flush();
    expect(await mtCount(subjects.mt('globex', 'i1'))).toBe(0);
    expect(acme.isClosed()).toBe(false);
  });

  it('refuses forging statuses, inbound messages or events, even for its own org', async () => {
    for (const subject of [subjects.status('acme', 'i1'), subjects.mo('acme', 'i1'), subjects.event('acme', 'i1', 'bind', 'bound')]) {
      const refused = nextPermissionError(acme);
      acme.publish(subject, '{}');
      expect(await refused, subject).toMatch(/publish/i);
    }
  });

  it("refuses subscribing to another org's statuses, inbound and events, and to the JetStream API", async () => {
    for (const subject of [subjects.status('globex', 'i1'), subjects.mo('globex', 'i1'), subjects.eventsFor('globex', 'i1'), subjects.statusAll, '_INBOX.>']) {
      const refused = nextPermissionError(acme);
      acme.subscribe(subject);
      expect(await refused, subject).toMatch(/subscription/i);
    }
    // the JetStream API (and so every KV bucket, credentials included) is closed to an org user
    const refused = nextPermissionError(acme);
    await expect(acme.request(`$JS.API.STREAM.INFO.KV_${BUCKETS.integrations}`, '', { timeout: 1_000 })).rejects.toThrow();
    expect(await refused).toMatch(/publish/i);
  });

  it("delivers an org its own statuses and never another org's", async () => {
    const own = acme.subscribe('byo.status.acme.>');
    const got: string[] = [];
    const done = (async () => { for await (const m of own) { got.push(m.subject); if (got.length === 1) break; } })();
    await acme.flush();
    engine.publish(subjects.status('globex', 'i1'), '{"state":"submitted"}');
    engine.publish(subjects.status('acme', 'i1'), '{"state":"submitted"}');
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('no status within wait')), WAIT_MS))]);
    expect(got).toEqual([subjects.status('acme', 'i1')]);
  });
});
