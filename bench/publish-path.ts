// What one JetStream write costs the ENGINE's process (client side), by way of writing it: the engine
// makes five per delivered message (track, `submitted`, reference; final, compare-and-set), so a µs here
// is ~5 µs per message in bench/production.ts. nats-server runs as its own process (its CPU is
// bench/jetstream-floor.ts's business); this process's CPU (process.cpuUsage) is divided by the writes.
//
// Each row also gives the KB the client allocates per write (a separate, sampled pass).
// Rows, in the same run on the same server: nats.js `js.publish` (the baseline a user's code would
// use), the engine's JsPublisher with a Nats-Msg-Id header (statuses), with
// Nats-Expected-Last-Subject-Sequence (compare-and-set), and with no header (tracking puts).
//
//   npx tsx bench/publish-path.ts        BENCH_PUBLISH_WRITES (30000), BENCH_PUBLISH_IN_FLIGHT (256), BENCH_PUBLISH_ROUNDS (3)
import { Session } from 'node:inspector';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { fmt, fmtInt, table } from './stats.js';
import { startNats } from './processes.js';
import { JsPublisher } from '../src/adapters/nats/js-publisher.js';

const N = Number(process.env.BENCH_PUBLISH_WRITES || 30_000);
const IN_FLIGHT = Number(process.env.BENCH_PUBLISH_IN_FLIGHT || 256);
const ROUNDS = Number(process.env.BENCH_PUBLISH_ROUNDS || 3);
const log = (s: string) => process.stdout.write(`${s}\n`);

// a status-sized payload, as the engine sends it (a JSON string)
const body = (i: number) => JSON.stringify({ id: `m-${i}`, state: 'submitted', segments: 1, smscMessageIds: [`${i.toString(16)}abcdef`], at: new Date().toISOString() });

async function pipelined(n: number, inFlight: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) await work(next++);
  }));
}

/** client CPU µs per write and writes a second for `work` over N writes */
async function measure(work: (i: number) => Promise<unknown>): Promise<{ usPerOp: number; perS: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await pipelined(N, IN_FLIGHT, work);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { usPerOp: (used.user + used.system) / N, perS: (N / ms) * 1000 };
}

/**
 * KB the process allocates per write for `work` (V8's allocation sampling, objects either GC already took
 * included: what drives the young generation's collections is what is allocated, not what survives).
 * A separate pass, as sampling costs CPU of its own.
 */
async function allocatedPerWrite(work: (i: number) => Promise<unknown>): Promise<number> {
  const s = new Session();
  s.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => {
    s.post(method, params, (err, res) => (err ? reject(err) : resolve(res)));
  });
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await pipelined(N, IN_FLIGHT, work);
  const { profile } = await post('HeapProfiler.stopSampling') as { profile: { head: SampleNode } };
  s.disconnect();
  const total = (n: SampleNode): number => n.children.reduce((sum, c) => sum + total(c), n.selfSize);
  return total(profile.head) / N / 1024;
}
interface SampleNode { selfSize: number; children: SampleNode[] }

async function main(): Promise<void> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    // no storage cost worth speaking of, so the client is what is measured: memory, keep 1 per subject
    await jsm.streams.add({ name: 'PP', subjects: ['pp.>'], storage: 'memory' as never, max_msgs_per_subject: 1, duplicate_window: 120_000_000_000 });
    const js = jetstream(nc);
    const wire = new JsPublisher(nc, { ackTimeoutMs: 30_000 });
    const rows: string[][] = [];
    const results = new Map<string, number[]>();
    let round = 0;
    const kinds: [string, (i: number) => Promise<unknown>][] = [
      ['nats.js js.publish, Nats-Msg-Id', (i) => js.publish(`pp.s.${i % 100}`, body(i), { msgID: `a${round}-${i}` })],
      ['JsPublisher, Nats-Msg-Id (a status)', (i) => wire.publish(`pp.s.${i % 100}`, body(i), { msgId: `b${round}-${i}` })],
      ['JsPublisher, no header (a tracking put)', (i) => wire.publish(`pp.t.${i}`, body(i))],
      ['JsPublisher, expected last subject seq (a CAS)', (i) => wire.publish(`pp.c.${round}.${i}`, body(i), { expectedLastSubjectSequence: 0 })],
    ];
    for (round = 0; round < ROUNDS; round++) {
      for (const [what, work] of kinds) {
        const r = await measure(work);
        (results.get(what) ?? results.set(what, []).get(what)!).push(r.usPerOp);
        if (round === ROUNDS - 1) {
          const all = results.get(what)!.sort((a, b) => a - b);
          rows.push([what, fmt(all[Math.floor(all.length / 2)]!, 1), all.map((x) => fmt(x, 1)).join(' '), fmtInt(r.perS)]);
        }
      }
    }
    // round = ROUNDS: subjects and message ids no round above used (a CAS expects its subject new)
    for (const [i, [, work]] of kinds.entries()) rows[i]!.push(fmt(await allocatedPerWrite(work), 2));
    wire.close();
    log(`\nClient CPU per JetStream write (${fmtInt(N)} writes × ${ROUNDS} rounds, ${IN_FLIGHT} in flight, memory stream)\n`);
    log(table(['write', 'client µs / write (median)', 'each round', 'writes/s (last round)', 'KB allocated / write'], rows));
  } finally {
    await nc.close();
    await nats.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
