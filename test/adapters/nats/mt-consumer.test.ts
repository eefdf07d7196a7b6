// consumeMt against a real nats-server. Before 2.9.16 the server drops a pull request that expires
// while messages are flowing without its 408 (see src/adapters/nats/lost-pulls.ts); a fast flow over a
// few consumers with 1 s pulls makes that happen within seconds. The consumer must notice and pull
// again before nats.js's own heartbeat check would (two missed heartbeats), and lose nothing.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { ConsumerMessages } from '@nats-io/jetstream';
import {
  connectNats, consumeMt, dropsExpiredPulls, ensureStreams, LostPulls, subjects, type NatsHandle,
} from '../../../src/adapters/nats/index.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const CONSUMERS = 16;
// below one pull's 512 messages per pull lifetime: pulls expire with messages still flowing
const PER_CONSUMER_PER_TICK = 4; // every 10 ms: 400 msg/s each
const PULL_EXPIRES_MS = 1_000; // the least nats.js allows: the most expiries per second
const GRACE_MS = 150;
const GIVE_UP_MS = 60_000;

let server: TestNatsServer;
let nats: NatsHandle;

beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats({ url: server.url, dataDir: await mkdtemp(join(tmpdir(), 'byo-mt-consumer-')), logger: pino({ level: 'silent' }) });
  await ensureStreams(nats.jsm);
});

afterAll(async () => {
  await nats?.close();
  await server?.stop();
});

describe('consumeMt on a nats-server that drops expired pulls silently', () => {
  it('pulls again what an expired pull held, before two heartbeats are missed, and receives every message', async (ctx) => {
    if (!dropsExpiredPulls(nats.serverVersion)) ctx.skip(); // 2.9.16+ sends the 408: nothing to recover
    const watchdog = new LostPulls({ graceMs: GRACE_MS });
    const received = new Map<string, number>();
    let lost = 0;
    let heartbeatsMissed = 0;
    const running: ConsumerMessages[] = [];
    const ids = Array.from({ length: CONSUMERS }, (_, i) => `lostpull${i}`);
    for (const id of ids) {
      const m = await consumeMt(nats, 'org1', id,
        { ackWaitMs: 30_000, maxInFlight: 1_000, pullExpiresMs: PULL_EXPIRES_MS, lostPulls: { watchdog, onLost: () => { lost++; } } },
        (msg) => { received.set(id, (received.get(id) ?? 0) + 1); msg.ack(); }, () => undefined);
      running.push(m);
      void (async () => { for await (const ev of m.status()) if (ev.type === 'heartbeats_missed') heartbeatsMissed++; })();
    }

    // a steady flow to every consumer until a drop has been recovered (or we give up)
    let sent = 0;
    const started = Date.now();
    while (lost === 0 && Date.now() - started < GIVE_UP_MS) {
      const acks: Promise<unknown>[] = [];
      for (const id of ids) for (let i = 0; i < PER_CONSUMER_PER_TICK; i++) acks.push(nats.js.publish(subjects.mt('org1', id), 'x'));
      await Promise.all([...acks, new Promise((r) => setTimeout(r, 10))]);
      sent += acks.length;
    }
    const total = () => [...received.values()].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 15_000;
    while (total() < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const m of running) m.stop();
    watchdog.stop();

    expect(lost, `no pull was dropped within ${GIVE_UP_MS} ms of ${sent} messages`).toBeGreaterThan(0);
    expect(total()).toBe(sent);
    expect(heartbeatsMissed).toBe(0);
  }, GIVE_UP_MS + 30_000);
});
