// What the message contract costs nats-server at least, whatever the engine does (issue 9's budget).
//
// Every delivered message needs, by the contract (ARCHITECTURE.md): the caller's MT publish stored in
// BYO_MT, its delivery to the engine and the ack, `submitted` and the final status stored in BYO_STATUS
// (each seen by the caller), and one durable record that lets a receipt find its message after a crash.
// This measures the server's CPU per operation of each kind on its own nats-server, same loopback and
// disk as bench/production.ts, then prints the floor per delivered message and what it leaves of the
// machine for the engine, the SMSC and the caller.
//
//   npx tsx bench/jetstream-floor.ts            BENCH_FLOOR_MESSAGES (30000), BENCH_FLOOR_IN_FLIGHT (256)
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { availableParallelism } from 'node:os';
import { CpuMeter, fmt, fmtInt, table } from './stats.js';
import { BENCH_TEXT } from './mt-load.js';
import { startNats } from './processes.js';
import { JsPublisher } from '../src/adapters/nats/js-publisher.js';

const N = Number(process.env.BENCH_FLOOR_MESSAGES || 30_000);
const IN_FLIGHT = Number(process.env.BENCH_FLOOR_IN_FLIGHT || 256);
const log = (s: string) => process.stdout.write(`${s}\n`);

// payloads the size of the real ones: an MT message, a status, a tracking record
const mt = (i: number) => JSON.stringify({ id: `m-${i}`, from: '+15550000001', to: `+1666${String(i).padStart(7, '0')}`, text: BENCH_TEXT });
const status = (i: number) => JSON.stringify({ id: `m-${i}`, state: 'submitted', at: new Date().toISOString(), segments: 1, smscIds: [`${i.toString(16)}abcdef`] });

interface Op { what: string; run: () => Promise<void> }

/** `work(i)` for i in 0..n-1 with at most `inFlight` awaiting at once */
async function pipelined(n: number, inFlight: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) await work(next++);
  }));
}

async function storedPublishes(js: JetStreamClient, subject: (i: number) => string, body: (i: number) => string, idPrefix: string): Promise<void> {
  await pipelined(N, IN_FLIGHT, (i) => js.publish(subject(i), body(i), { msgID: `${idPrefix}${i}` }));
}

async function deliverAndAck(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: 'floor', ack_policy: AckPolicy.Explicit, max_ack_pending: 1_000 });
  const consumer = await jetstream(nc).consumers.get(stream, 'floor');
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    void consumer.consume({ max_messages: 512, expires: 5_000, callback: (m) => {
      m.ack();
      if (++acked === N) resolve();
    } }).catch(reject);
  });
  await nc.flush();
}

async function main(): Promise<void> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const windowNs = 2 * 60_000 * 1_000_000;
    // a work queue like BYO_MT: the ack deletes the message
    await jsm.streams.add({ name: 'FLOOR_MT', subjects: ['floor.mt.>'], duplicate_window: windowNs, retention: RetentionPolicy.Workqueue });
    await jsm.streams.add({ name: 'FLOOR_STATUS', subjects: ['floor.status.>'], duplicate_window: windowNs });
    const kv = await new Kvm(nc).create('floor_tracking', { history: 1 });
    const publisher = new JsPublisher(nc, { ackTimeoutMs: 10_000 });
    // a subscriber to the statuses, as the caller of bench/production.ts has
    let seen = 0;
    nc.subscribe('floor.status.>', { callback: () => { seen++; } });

    const ops: Op[] = [
      { what: 'stored publish (Nats-Msg-Id, PubAck): the MT message', run: () => storedPublishes(js, (i) => `floor.mt.o.${i % 100}`, mt, 'mt-') },
      { what: 'consumer delivery + ack: the engine takes the MT message', run: () => deliverAndAck(nc, 'FLOOR_MT') },
      { what: 'stored publish with a subscriber: a status', run: () => storedPublishes(js, (i) => `floor.status.o.${i % 100}`, status, 'st-') },
      { what: 'KV put: a tracking record', run: () => pipelined(N, IN_FLIGHT, (i) => kv.put(`o.${i % 100}.m-${i}`, status(i))) },
      // the engine's own publisher (src/adapters/nats/js-publisher.ts): the same server work, less client work
      { what: 'a status through the engine\'s JsPublisher', run: () => pipelined(N, IN_FLIGHT, (i) => publisher.publish(`floor.status.o.${i % 100}`, status(i), { msgId: `jp-${i}` })) },
    ];
    const rows: string[][] = [];
    const perOp: number[] = [];
    for (const op of ops) {
      const meter = new CpuMeter({ nats: nats.pid, client: process.pid });
      const t0 = performance.now();
      meter.begin();
      await op.run();
      meter.end();
      const us = meter.perMessageUs(N);
      perOp.push(us.nats!);
      rows.push([op.what, fmtInt((N / (performance.now() - t0)) * 1000), fmt(us.nats!), fmt(us.client!)]);
      log(`  ${op.what}: done`);
    }
    publisher.close();
    if (seen < 2 * N) log(`  (the status subscriber saw ${seen} of ${2 * N})`);
    log(`\njetstream-floor: ${fmtInt(N)} operations of each kind, ${IN_FLIGHT} in flight, file storage`);
    log(table(['operation', 'ops/s', 'nats-server µs/op', 'client µs/op'], rows));

    // the floor per delivered message: MT stored + delivered/acked + 2 statuses + 1 durable correlation
    const [publish, deliver, statusOp, kvPut] = perOp as [number, number, number, number, number];
    const floor = publish + deliver + 2 * statusOp + kvPut;
    const cores = availableParallelism();
    log(`\nnats-server floor per delivered message (MT publish + delivery/ack + 2 statuses + 1 KV write): ${fmt(floor)} µs`);
    log(`at 5,000 delivered msg/s that is ${fmt((floor * 5_000) / 1e4)}% of one core, of the ${cores} cores here;`);
    log(`what ${cores} cores leave per message for the engine, the SMSC and the caller at 5,000/s: ${fmt((cores * 1e6) / 5_000 - floor)} µs`);
  } finally {
    await nc.close();
    await nats.stop();
  }
}

await main();
