// The engine's NATS connection writes once per event-loop turn (src/adapters/nats/write-coalescing.ts):
// counted at the client's real TCP socket to a real nats-server, with nats.js's own behaviour beside it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { coalesceWrites } from '../../../src/adapters/nats/write-coalescing.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

let server: TestNatsServer;
const conns: NatsConnection[] = [];
const realWrite = Socket.prototype.write;
let writes = 0;

beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  Socket.prototype.write = realWrite;
  await Promise.all(conns.splice(0).map((nc) => nc.close()));
});

/** counts writes to the test server's port from here on (any socket of this process) */
function countWrites(): void {
  writes = 0;
  const port = server.port;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (this.remotePort === port) writes++;
    return realWrite.apply(this, args);
  } as Socket['write'];
}

async function connected(coalesce: boolean): Promise<NatsConnection> {
  const nc = await connect({ servers: server.url });
  conns.push(nc);
  if (coalesce) expect(coalesceWrites(nc)).toBe(true);
  return nc;
}

/** `n` publishes, each from its own task (as replies and socket reads come in under load) */
function publishFromTasks(nc: NatsConnection, subject: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    for (let i = 0; i < n; i++) {
      setImmediate(() => {
        nc.publish(subject, String(i));
        if (++done === n) resolve();
      });
    }
  });
}

describe('NATS write coalescing', () => {
  it('writes what many tasks of one turn published in one socket write; nats.js alone writes once per task', async () => {
    const plain = await connected(false);
    const batched = await connected(true);
    await Promise.all([plain.flush(), batched.flush()]);

    countWrites();
    await publishFromTasks(plain, 'wc.plain', 200);
    await plain.flush();
    const plainWrites = writes;

    countWrites();
    await publishFromTasks(batched, 'wc.batched', 200);
    await batched.flush();
    const batchedWrites = writes;

    expect(plainWrites).toBeGreaterThanOrEqual(200);
    // the 200 publishes, then the flush's PING: a few writes, not 200
    expect(batchedWrites).toBeLessThanOrEqual(3);
  });

  it('delivers everything in the order it was published, PING after the data before it', async () => {
    const pub = await connected(true);
    const sub = await connected(false);
    const got: string[] = [];
    const all = new Promise<void>((resolve) => {
      sub.subscribe('wc.order', { callback: (_err, m) => {
        got.push(m.string());
        if (got.length === 2_000) resolve();
      } });
    });
    await sub.flush();
    await publishFromTasks(pub, 'wc.order', 1_000);
    for (let i = 1_000; i < 2_000; i++) pub.publish('wc.order', String(i));
    // a request/reply through the coalesced connection answers too
    sub.subscribe('wc.echo', { callback: (_err, m) => { m.respond(m.data); } });
    await sub.flush();
    const reply = await pub.request('wc.echo', 'ping', { timeout: 5_000 });
    await all;
    expect(reply.string()).toBe('ping');
    expect(got).toEqual(Array.from({ length: 2_000 }, (_, i) => String(i)));
  });

  it('writes at once, without waiting for the turn to end, once the buffer passes nats.js own limit', async () => {
    const nc = await connected(true);
    await nc.flush();
    countWrites();
    const chunk = new Uint8Array(16 * 1024);
    // 256 KB in one synchronous run: nats.js's limit is 32 KB, so it must not all wait for setImmediate
    for (let i = 0; i < 16; i++) nc.publish('wc.big', chunk);
    const writtenBeforeYielding = writes;
    await nc.flush();
    expect(writtenBeforeYielding).toBeGreaterThanOrEqual(2);
  });

  it('changes nothing and says so when nats.js lacks the internals', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
    expect(coalesceWrites({ protocol: { flushPending: () => undefined } } as unknown as NatsConnection)).toBe(false);
  });
});
