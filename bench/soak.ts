// Soak (issue 11 §5), `npm run soak -- [flags]`: a steady open-loop MT load over several integrations through
// a real engine child process for a long time, with the integrations flapping — one deactivated and activated
// again every --flap-every s, one SMSC dropping every connection every --drop-every s — while the engine's
// heap (after a full GC), RSS, open handles and event-loop delay are sampled every --sample-every s.
// At the end: every sample, least-squares slopes per hour (after --warmup), and lost / duplicated counts, as
// a Markdown table for docs/reliability.md. Loopback only; every phase is bounded.
//
//   --duration 30m   --rate 300 (msg/s, all integrations)   --integrations 5   --sample-every 10 (s)
//   --flap-every 60 (s)   --flap-down 5 (s)   --drop-every 45 (s)   --warmup 60 (s, left out of the slopes)
//   --drain 120 (s, at most, for the last messages' final statuses)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FaultWorld } from '../test/helpers/fault-world.js';
import { publishUntilAcked } from '../test/helpers/fault-run.js';
import { fmt, fmtInt, table } from './stats.js';
import { eventLoopDelayMs, leastSquaresPerHour, metricValue, type SoakSample } from './soak-stats.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30m' }, rate: { type: 'string', default: '300' }, integrations: { type: 'string', default: '5' },
    'sample-every': { type: 'string', default: '10' }, 'flap-every': { type: 'string', default: '60' }, 'flap-down': { type: 'string', default: '5' },
    'drop-every': { type: 'string', default: '45' }, warmup: { type: 'string', default: '60' }, drain: { type: 'string', default: '120' },
  },
});
/** seconds from "90", "90s", "30m", "1h" */
function seconds(name: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(raw);
  if (!m) throw new Error(`--${name}: a duration like 90, 90s, 30m or 1h, not ${JSON.stringify(raw)}`);
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600 }[m[2]!] ?? 1);
}
function positive(name: string, raw: string): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return v;
}
const durationS = seconds('duration', flags.duration);
const rate = positive('rate', flags.rate);
const integrations = Math.round(positive('integrations', flags.integrations));
const sampleEveryS = seconds('sample-every', flags['sample-every']);
const flapEveryS = seconds('flap-every', flags['flap-every']);
const flapDownS = seconds('flap-down', flags['flap-down']);
const dropEveryS = seconds('drop-every', flags['drop-every']);
const warmupS = seconds('warmup', flags.warmup);
const drainS = seconds('drain', flags.drain);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (line: string) => process.stdout.write(`${line}\n`);
/** how long the engine gets for a full GC (bench/gc-on-signal.cjs) before its heap is read */
const GC_SETTLE_MS = 300;

out(`soak: ${durationS} s at ${rate} msg/s over ${integrations} integrations; sample every ${sampleEveryS} s; `
  + `one integration deactivated for ${flapDownS} s every ${flapEveryS} s; one SMSC drops its connections every ${dropEveryS} s`);
const world = await FaultWorld.start({
  ratePerSecond: rate, integrations,
  engineEnv: { NODE_OPTIONS: `--expose-gc --require ${resolve(import.meta.dirname, 'gc-on-signal.cjs')}` },
});
const engine = world.engine;
const pid = engine.child.pid!;
const prefix = `soak-${Date.now().toString(36)}-`;
const capacity = Math.ceil(rate * (durationS + 10));
const acked = new Uint8Array(capacity);
/** submit_sm the SMSCs accepted, per message number (a handset that got it twice: 2) */
const accepted = new Uint8Array(capacity);
let sent = 0;
const pending = new Set<Promise<void>>();
let flaps = 0;
let drops = 0;
/** publishes not acknowledged by then are given up (counted as unpublished) */
let drainDeadline = Number.POSITIVE_INFINITY;

const publish = (i: number): void => {
  const k = i % integrations;
  const { org, id: integration, sender } = world.integrations[k]!;
  const id = `${prefix}${i}`;
  const payload = JSON.stringify({ id, from: sender, to: `+1666${String(i % 1e7).padStart(7, '0')}`, text: `soak ${id}` });
  publishUntilAcked(world, `byo.mt.${org}.${integration}`, payload, id, pending, () => drainDeadline, () => { acked[i] = 1; });
};

/** moves what the SMSCs accepted into `accepted` and empties their records (they would grow for the whole run) */
function collectSubmits(): void {
  for (const smsc of world.smscs) {
    for (const s of smsc.submits) {
      if (s.commandStatus !== 0) continue;
      const m = /soak (\S+)/.exec(s.short_message.toString('latin1'));
      if (!m || !m[1]!.startsWith(prefix)) continue;
      const i = Number(m[1]!.slice(prefix.length));
      if (i < capacity) accepted[i] = Math.min(255, accepted[i]! + 1);
    }
    smsc.submits.splice(0);
    smsc.receipts.splice(0);
  }
}

async function sample(t0: number): Promise<SoakSample> {
  const before = (await engine.api('GET', '/metrics')).text;
  process.kill(pid, 'SIGUSR2');
  await sleep(GC_SETTLE_MS);
  // read after the GC: this scrape also resets the event-loop histogram, so the forced GC's pause is not counted
  const after = (await engine.api('GET', '/metrics')).text;
  let final = 0;
  for (const [id, s] of world.seen) if (s.finals.length > 0 && id.startsWith(prefix)) final++;
  return {
    atS: (Date.now() - t0) / 1000,
    heapMb: metricValue(after, 'byo_nodejs_heap_size_used_bytes') / 2 ** 20,
    heapBeforeGcMb: metricValue(before, 'byo_nodejs_heap_size_used_bytes') / 2 ** 20,
    rssMb: metricValue(after, 'byo_process_resident_memory_bytes') / 2 ** 20,
    handles: metricValue(before, 'byo_nodejs_active_handles_total'),
    eldP99Ms: eventLoopDelayMs(metricValue(before, 'byo_nodejs_eventloop_lag_p99_seconds')),
    eldMaxMs: eventLoopDelayMs(metricValue(before, 'byo_nodejs_eventloop_lag_max_seconds')),
    published: sent, final,
  };
}

const samples: SoakSample[] = [];
const row = (s: SoakSample) => [fmt(s.atS), fmt(s.heapMb, 1), fmt(s.heapBeforeGcMb, 1), fmt(s.rssMb, 1), fmt(s.handles), fmt(s.eldP99Ms, 1), fmt(s.eldMaxMs, 1), fmtInt(s.published), fmtInt(s.final)];
const HEADER = ['t (s)', 'heap after GC (MB)', 'heap (MB)', 'RSS (MB)', 'handles', 'ELD p99 (ms)', 'ELD max (ms)', 'published', 'final'];
out(HEADER.join('\t'));

const t0 = Date.now();
const startedAt = performance.now();
const pacer = setInterval(() => {
  const due = Math.min(capacity, Math.floor(((performance.now() - startedAt) / 1000) * rate));
  while (sent < due) publish(sent++);
}, 5);
const flapper = setInterval(() => {
  const k = flaps++ % integrations;
  const { org, id } = world.integrations[k]!;
  void (async () => {
    await engine.api('POST', `/v1/orgs/${org}/integrations/${id}/deactivate`);
    await sleep(flapDownS * 1000);
    await engine.api('POST', `/v1/orgs/${org}/integrations/${id}/activate`);
  })().catch((err: unknown) => out(`flap of ${id} failed: ${String(err)}`));
}, flapEveryS * 1000);
const dropper = setInterval(() => world.smscs[drops++ % world.smscs.length]!.dropAll(), dropEveryS * 1000);

try {
  while (Date.now() - t0 < durationS * 1000) {
    await sleep(Math.min(sampleEveryS * 1000, durationS * 1000 - (Date.now() - t0)));
    collectSubmits();
    const s = await sample(t0);
    samples.push(s);
    out(row(s).join('\t'));
  }
  clearInterval(pacer);
  clearInterval(flapper);
  clearInterval(dropper);
  // every integration active again, then every published message final (or the drain is over)
  await sleep((flapDownS + 1) * 1000);
  for (const i of world.integrations) await engine.api('POST', `/v1/orgs/${i.org}/integrations/${i.id}/activate`);
  await world.waitActive();
  drainDeadline = Date.now() + drainS * 1000;
  const unfinished = () => {
    let n = 0;
    for (let i = 0; i < sent; i++) if (acked[i] && !(world.seen.get(`${prefix}${i}`)?.finals.length)) n++;
    return n;
  };
  while (Date.now() < drainDeadline && (pending.size > 0 || unfinished() > 0)) await sleep(1_000);
  await sleep(1_000);
  await world.caughtUp().catch(() => undefined);
  collectSubmits();
  report(await world.resends(), (await engine.api('GET', '/metrics')).text);
} finally {
  clearInterval(pacer);
  clearInterval(flapper);
  clearInterval(dropper);
  await world.close();
}

function report(resent: number, metricsText: string): void {
  let published = 0;
  let lost = 0;
  let duplicated = 0;
  let wireDup = 0;
  const lostIds: string[] = [];
  const wireDupIds: number[] = [];
  for (let i = 0; i < sent; i++) {
    if (accepted[i]! > 1) {
      wireDup++;
      wireDupIds.push(i);
    }
    if (!acked[i]) continue;
    published++;
    const s = world.seen.get(`${prefix}${i}`);
    if (!s || s.finals.length === 0) {
      lost++;
      lostIds.push(`${prefix}${i}`);
    }
    else if (s.finals.length > 1 || s.submitted > 1) duplicated++;
  }
  const steady = samples.filter((s) => s.atS >= warmupS);
  const slope = (pick: (s: SoakSample) => number) => leastSquaresPerHour(steady.map((s) => [s.atS, pick(s)]));
  const metrics: [string, (s: SoakSample) => number, number][] = [
    ['heap used after a full GC (MB)', (s) => s.heapMb, 1], ['heap used (MB)', (s) => s.heapBeforeGcMb, 1], ['RSS (MB)', (s) => s.rssMb, 1],
    ['open handles', (s) => s.handles, 0], ['event-loop delay p99 (ms)', (s) => s.eldP99Ms, 1], ['event-loop delay max (ms)', (s) => s.eldMaxMs, 1],
  ];
  out('');
  out(`## Soak summary: ${fmt(durationS / 60, 1)} min at ${rate} msg/s over ${integrations} integrations, ${flaps} deactivate/activate flaps, ${drops} SMSC drops; `
    + `${samples.length} samples every ${sampleEveryS} s, slopes over the ${steady.length} after ${warmupS} s`);
  out('');
  out(table(['measure', 'first', 'last', 'min', 'max', 'slope per hour'], metrics.map(([name, pick, digits]) => {
    const vs = samples.map(pick);
    return [name, fmt(vs[0] ?? Number.NaN, digits), fmt(vs.at(-1) ?? Number.NaN, digits), fmt(Math.min(...vs), digits), fmt(Math.max(...vs), digits), fmt(slope(pick), 2)];
  })));
  out('');
  out(table(['published', 'final', 'lost', 'duplicated statuses', 'wire dup', 'resent (counted)', 'unpublished'], [[
    fmtInt(published), fmtInt(published - lost), fmtInt(lost), fmtInt(duplicated), fmtInt(wireDup), fmtInt(resent), fmtInt(sent - published),
  ]]));
  // submit_sm outcomes over the run, all integrations: where resends come from
  const outcomes = new Map<string, number>();
  for (const m of metricsText.matchAll(/^byo_submit_sm_total\{[^}]*status="([^"]+)"[^}]*\} ([0-9.e+]+)$/gm)) outcomes.set(m[1]!, (outcomes.get(m[1]!) ?? 0) + Number(m[2]));
  out(`submit_sm outcomes: ${[...outcomes].map(([k, v]) => `${k}=${fmtInt(v)}`).join(' ')}`);
  if (lostIds.length) out(`lost (first 10): ${lostIds.slice(0, 10).map((id) => `${id}=${JSON.stringify(world.seen.get(id) ?? null)}`).join(' ')}`);
  if (wireDupIds.length) out(`on the wire twice (first 10): ${wireDupIds.slice(0, 10).map((i) => `${prefix}${i}@integration-${i % integrations}`).join(' ')}`);
  process.exitCode = lost > 0 || duplicated > 0 || wireDup > resent ? 1 : 0;
}
