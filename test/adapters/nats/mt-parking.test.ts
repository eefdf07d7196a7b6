// Parking an idle lane's MT consumer (src/adapters/nats/mt-parking.ts), against a real nats-server:
// a consumer with nothing to do stops pulling; a publish, a message still unacknowledged, a reconnect
// or the sweep brings it back, and no message is lost or left waiting for a pull that never comes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { JsMsg } from '@nats-io/jetstream';
import {
  connectNats, consumers, dropsExpiredPulls, ensureStreams, LostPulls, ParkingLot, STREAMS, subjects, type NatsHandle,
} from '../../../src/adapters/nats/index.js';
import { startLaneConsumer } from '../../../src/actors/outbound/lane-consumer.js';
import { loadEngineConfig } from '../../../src/config/index.js';
import { startNatsServer, type TestNatsServer } from '../../helpers/nats-server.js';

const PULL_EXPIRES_MS = 1_000; // the least nats.js allows
const silent = pino({ level: 'silent' });

let server: TestNatsServer;
let nats: NatsHandle;

beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats({ url: server.url, dataDir: await mkdtemp(join(tmpdir(), 'byo-parking-')), logger: silent, reconnectTimeWaitMs: 2_000 });
  await ensureStreams(nats.jsm);
});

afterAll(async () => {
  await nats?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** a lane consumer as the engine runs it, holding what it is handed until the test settles it */
function lane(h: NatsHandle, id: string, parking: ParkingLot, held: JsMsg[]) {
  const engine = loadEngineConfig({ BYO_MT_PULL_EXPIRES_MS: String(PULL_EXPIRES_MS), BYO_MT_ACK_WAIT_MS: '30000' });
  const lostPulls = dropsExpiredPulls(h.serverVersion) ? new LostPulls({ graceMs: 250 }) : undefined;
  const stop = startLaneConsumer({ nats: h, engine, lostPulls, parking, log: silent }, 'org1', id, {
    onMessage: (m) => { held.push(m); }, onLostPull: () => undefined, holdsNothing: () => held.length === 0,
  });
  return async () => { await stop(); lostPulls?.stop(); };
}

/** pull requests nats-server holds for the consumer */
const waiting = async (id: string) => (await nats.jsm.consumers.info(STREAMS.mt, consumers.mt('org1', id))).num_waiting;

describe('an idle MT consumer parks', () => {
  it('stops pulling after a pull lifetime without a message, and a publish wakes it', async () => {
    const parking = new ParkingLot({ nats, checkMs: 60_000, warn: () => undefined });
    const held: JsMsg[] = [];
    const stop = lane(nats, 'park1', parking, held);
    await until('the consumer to park', () => parking.size === 1, 3 * PULL_EXPIRES_MS + 5_000);
    await until('no pull to be open', async () => (await waiting('park1')) === 0);
    await sleep(2 * PULL_EXPIRES_MS); // parked: still no pull
    expect(await waiting('park1')).toBe(0);
    expect(parking.size).toBe(1);

    await nats.js.publish(subjects.mt('org1', 'park1'), 'hello');
    await until('the message', () => held.length === 1);
    expect(parking.woken.message).toBe(1);
    expect(parking.size).toBe(0);
    held.shift()!.ack();
    // idle again: parks again
    await until('the consumer to park again', () => parking.size === 1, 3 * PULL_EXPIRES_MS + 5_000);
    await stop();
    expect(parking.size).toBe(0);
    parking.stop();
  }, 30_000);

  it('does not park while it holds a message, and wakes for one handed back with a delay', async () => {
    const parking = new ParkingLot({ nats, checkMs: 60_000, warn: () => undefined });
    const held: JsMsg[] = [];
    const stop = lane(nats, 'park2', parking, held);
    await nats.js.publish(subjects.mt('org1', 'park2'), 'one');
    await until('the message', () => held.length === 1);
    await sleep(3 * PULL_EXPIRES_MS);
    expect(parking.size, 'a lane holding a message keeps pulling').toBe(0);
    // handed back for 2 pull lifetimes: the lane holds nothing, so the consumer parks, but the message
    // is still unacknowledged on the server: the consumer must not stay parked on it
    const m = held.shift()!;
    m.nak(2 * PULL_EXPIRES_MS);
    await until('the message again', () => held.length === 1, 15_000);
    expect(held[0]!.info.redelivered).toBe(true);
    expect(parking.woken.waiting, 'parked, then woken for the message it still owed').toBeGreaterThan(0);
    held.shift()!.ack();
    await stop();
    parking.stop();
  }, 30_000);

  it('stopped while parked, it is never woken', async () => {
    const parking = new ParkingLot({ nats, checkMs: 60_000, warn: () => undefined });
    const held: JsMsg[] = [];
    const stop = lane(nats, 'park3', parking, held);
    await until('the consumer to park', () => parking.size === 1, 3 * PULL_EXPIRES_MS + 5_000);
    await stop();
    await nats.js.publish(subjects.mt('org1', 'park3'), 'later');
    await sleep(500);
    expect(held).toHaveLength(0);
    expect(parking.woken.message).toBe(0);
    expect(await waiting('park3')).toBe(0);
    parking.stop();
    await nats.jsm.streams.purge(STREAMS.mt, { filter: subjects.mt('org1', 'park3') });
  }, 30_000);

  it('the sweep finds a message the check missed (a stale read, as on a cluster)', async () => {
    await nats.jsm.consumers.add(STREAMS.mt, { durable_name: consumers.mt('org1', 'park4'), filter_subject: subjects.mt('org1', 'park4'), ack_policy: 'explicit' as never });
    await nats.js.publish(subjects.mt('org1', 'park4'), 'before');
    // the consumer's info reads empty, so only the sweep can see the message
    const stale = { ...nats, jsm: { ...nats.jsm, streams: nats.jsm.streams, consumers: { ...nats.jsm.consumers, info: async () => ({ num_pending: 0, num_ack_pending: 0 }) } } } as unknown as NatsHandle;
    const parking = new ParkingLot({ nats: stale, checkMs: 300, warn: () => undefined });
    let woken = '';
    const unpark = parking.park('org1', 'park4', (why) => { woken = why; });
    await until('the sweep to wake it', () => woken !== '', 5_000);
    expect(woken).toBe('sweep');
    unpark();
    parking.stop();
    await nats.jsm.streams.purge(STREAMS.mt, { filter: subjects.mt('org1', 'park4') });
  });

  it('a message published while NATS was away is picked up on reconnect, not at the next sweep', async () => {
    const parking = new ParkingLot({ nats, checkMs: 60_000, warn: () => undefined });
    const held: JsMsg[] = [];
    const stop = lane(nats, 'park5', parking, held);
    await until('the consumer to park', () => parking.size === 1, 3 * PULL_EXPIRES_MS + 5_000);
    await server.restart();
    // another client publishes before this one is back (it waits 2 s between reconnect attempts)
    const other = await connectNats({ url: server.url, dataDir: await mkdtemp(join(tmpdir(), 'byo-parking-b-')), logger: silent });
    await other.js.publish(subjects.mt('org1', 'park5'), 'while away');
    await other.close();
    await until('the message', () => held.length === 1, 20_000);
    expect(parking.woken.reconnect).toBe(1);
    held.shift()!.ack();
    await stop();
    parking.stop();
  }, 40_000);
});
