// What parking costs the first message to an idle integration (src/adapters/nats/mt-parking.ts):
// publish → the lane consumer has it, for a consumer with a pull open (the baseline, same run, same
// server) and for a parked one (woken by the publish, then one pull). Prints figures, asserts nothing.
// `npx tsx bench/parking-wake.ts`   PARKING_WAKE_SAMPLES=30
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { JsMsg } from '@nats-io/jetstream';
import { connectNats, ensureStreams, ParkingLot, subjects } from '../src/adapters/nats/index.js';
import { startLaneConsumer } from '../src/actors/outbound/lane-consumer.js';
import { loadEngineConfig } from '../src/config/index.js';
import { startNatsServer } from '../test/helpers/nats-server.js';
import { fmt, percentile, table } from './stats.js';

const SAMPLES = Number(process.env.PARKING_WAKE_SAMPLES || '30');
const PULL_EXPIRES_MS = 1_000; // the least nats.js allows: parks after 1–2 s idle
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = await startNatsServer();
const nats = await connectNats({ url: server.url, dataDir: await mkdtemp(join(tmpdir(), 'byo-wake-')), logger: silent });
try {
  await ensureStreams(nats.jsm);
  const parking = new ParkingLot({ nats, checkMs: 60_000, warn: () => undefined });
  const rows: string[][] = [];
  for (const mode of ['pull open (baseline)', 'parked'] as const) {
    const id = mode === 'parked' ? 'wakeparked' : 'wakeopen';
    let got: ((m: JsMsg) => void) | undefined;
    const engine = loadEngineConfig({ BYO_MT_PULL_EXPIRES_MS: String(mode === 'parked' ? PULL_EXPIRES_MS : 60_000) });
    const stop = startLaneConsumer({ nats, engine, parking: mode === 'parked' ? parking : undefined, log: silent }, 'org1', id, {
      onMessage: (m) => { m.ack(); got?.(m); }, onLostPull: () => undefined, holdsNothing: () => true,
    });
    await sleep(500);
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      if (mode === 'parked') {
        while (parking.size === 0) await sleep(20);
      }
      const arrived = new Promise<void>((r) => { got = () => r(); });
      const t0 = performance.now();
      await nats.js.publish(subjects.mt('org1', id), 'x');
      await arrived;
      ms.push(performance.now() - t0);
    }
    await stop();
    rows.push([mode, String(SAMPLES), fmt(percentile(ms, 50), 2), fmt(percentile(ms, 99), 2), fmt(Math.max(...ms), 2)]);
  }
  parking.stop();
  process.stdout.write(`\nFirst message to an idle integration: publish (with its JetStream ack) → consumer has it, nats-server ${nats.serverVersion}\n\n`);
  process.stdout.write(`${table(['consumer', 'samples', 'p50 ms', 'p99 ms', 'max ms'], rows)}\n`);
} finally {
  await nats.close();
  await server.stop();
}
