// Reading stored history (event replay, message traces) with an ordered consumer on a real
// nats-server: only the filtered subject, from the start time, up to the cap, and the server-side
// consumer is gone afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';
import { ensureStreams, natsEventStream, readStoredMessages, STREAMS } from '../../../src/adapters/nats/index.js';

let server: TestNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  js = jetstream(nc);
  for (let i = 0; i < 5; i++) await js.publish(`byo.events.acme.i1.bind.n${i}`, JSON.stringify({ i }));
  await js.publish('byo.events.acme.i2.bind.x', JSON.stringify({ other: true }));
  await js.publish('byo.events.acme.i1.bind.bad', 'not json');
}, 30_000);
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('readStoredMessages', () => {
  it('reads only the filtered subject, in order, and leaves no consumer behind', async () => {
    const got: unknown[] = [];
    const n = await readStoredMessages(js, STREAMS.events, 'byo.events.acme.i1.>', { maxMessages: 100, fetchExpiresMs: 2_000, onMessage: (m) => void got.push(m.json) });
    expect(n).toBe(6);
    expect(got).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }, undefined]);
    expect((await jsm.streams.info(STREAMS.events)).state.consumer_count).toBe(0);
  });

  it('stops at the cap, when told to, and reads nothing from a start time in the future', async () => {
    let seen = 0;
    expect(await readStoredMessages(js, STREAMS.events, 'byo.events.acme.i1.>', { maxMessages: 2, fetchExpiresMs: 2_000, onMessage: () => void seen++ })).toBe(2);
    expect(await readStoredMessages(js, STREAMS.events, 'byo.events.acme.i1.>', { maxMessages: 100, fetchExpiresMs: 2_000, onMessage: () => false })).toBe(1);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await readStoredMessages(js, STREAMS.events, 'byo.events.acme.i1.>', { startTime: future, maxMessages: 100, fetchExpiresMs: 2_000, onMessage: () => undefined })).toBe(0);
    expect(seen).toBe(2);
  });
});

describe('natsEventStream', () => {
  it('replays the newest N stored events of the filter, then delivers live ones', async () => {
    const stream = natsEventStream(nc, js, { fetchExpiresMs: 2_000, replayScanMax: 1_000 });
    const got: Record<string, unknown>[] = [];
    const sub = await stream.subscribe({ org: 'acme', integration: 'i1' }, { replay: 2 }, (e) => got.push(e));
    expect(got).toEqual([{ i: 3 }, { i: 4 }]);
    await js.publish('byo.events.acme.i1.integration.active', JSON.stringify({ live: 1 }));
    await js.publish('byo.events.acme.i2.integration.active', JSON.stringify({ live: 2 }));
    await nc.flush();
    const deadline = Date.now() + 5_000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sub.close();
    expect(got).toEqual([{ i: 3 }, { i: 4 }, { live: 1 }]);
  });
});
