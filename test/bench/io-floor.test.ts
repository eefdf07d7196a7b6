// The I/O floor process of the production bench (bench/io-floor-engine.ts), over real sockets: TLS binds
// to the simulator with receipts, a real nats-server. Its CPU figure only means something if it does the
// engine's traffic per message: every message delivered, one `submitted` and one final status each, and
// the two tracking records (the track and the reference) the engine writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startSimulator, type SmscSimulator } from '../../src/simulator/index.js';
import { testCertificates } from '../helpers/tls-cert.js';
import { runIoFloor, type FloorRun } from '../../bench/production-floor.js';

describe('bench: the I/O floor process', () => {
  let smsc: SmscSimulator;
  beforeAll(async () => {
    const { key, cert } = testCertificates();
    smsc = await startSimulator({ tls: { key, cert }, autoDlr: true, recordSubmits: false });
  });
  afterAll(async () => {
    await smsc?.close();
  });

  it('delivers every message with the engine\'s statuses and tracking records', async () => {
    const certs = testCertificates();
    const burst = { publishesInFlight: 16, maxOutstanding: 100, until: 'delivered' as const };
    const stored = { submitted: 0, delivered: 0, other: 0, trackingKeys: 0, trackingWrites: 0 };
    const run: FloorRun = await runIoFloor({
      smscPort: smsc.port, ca: certs.ca, integrations: 2, mps: 50, smscPid: process.pid,
      warm: { ...burst, count: 10, timeoutMs: 20_000 }, measured: { ...burst, count: 40, timeoutMs: 20_000 },
      inspect: async (url) => {
        const nc = await connect({ servers: url });
        try {
          const jsm = await jetstreamManager(nc);
          const statuses = await jsm.streams.info('BYO_STATUS');
          for (let seq = 1; seq <= statuses.state.last_seq; seq++) {
            const state = (await jsm.streams.getMessage('BYO_STATUS', { seq }))?.json<{ state: string }>().state;
            if (state === 'submitted' || state === 'delivered') stored[state]++;
            else stored.other++;
          }
          // per message: the track, the reference, and the receipt's compare-and-set of the reference (the
          // bucket keeps one value per key, so the sequence counts the writes); the last ones may land just
          // after the final status the load waited for
          const deadline = Date.now() + 5_000;
          let tracking = await jsm.streams.info('KV_byo_tracking', { subjects_filter: '>' });
          while (tracking.state.last_seq < 150 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
            tracking = await jsm.streams.info('KV_byo_tracking', { subjects_filter: '>' });
          }
          stored.trackingKeys = tracking.state.num_subjects ?? 0;
          stored.trackingWrites = tracking.state.last_seq;
        } finally {
          await nc.close();
        }
      },
    });
    expect(run.r.submitted).toBe(40);
    expect(run.r.publishErrors).toBe(0);
    expect(stored).toEqual({ submitted: 50, delivered: 50, other: 0, trackingKeys: 100, trackingWrites: 150 });
    expect(run.row.cpuPerMessageUs?.engine).toBeGreaterThan(0);
  }, 60_000);
});
