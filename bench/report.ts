// The benchmark's results table: one row per scenario, the notes and the targets.
import { fmt, fmtInt, table, type LatencySummary } from './stats.js';

export interface Row {
  scenario: string;
  messages: number;
  rate: number;
  latency: LatencySummary;
  latencyWhat: string;
  /** publish → submit_sm at the SMSC (steady scenario only) */
  smscLatency?: LatencySummary;
  rssMb?: number;
  peakRssMb?: number;
  heapMb?: number;
  cpu: Record<string, number>;
  /** machine-wide CPU during the measured run: busy / idle / stolen by the hypervisor, % */
  machine?: { busy: number; idle: number; steal: number };
  /** CPU time per message in µs, by process */
  cpuPerMessageUs?: Record<string, number>;
  /** engine write system calls per message (NATS and SMPP sockets together) */
  writesPerMessage?: number;
  /** the engine's V8 heap per message (bench/gc-stats.mjs): what it allocated, its collections' pause time, major GCs in the run */
  gc?: { allocatedKbPerMessage: number; gcUsPerMessage: number; majorGcs: number };
  notes: string[];
}

const log = (s: string) => process.stdout.write(`${s}\n`);

/** Prints the results table, the notes and the targets (informational: nothing is asserted). */
export function report(rows: Row[], labels: Record<string, string>, settings: string): void {
  const raw = rows.find((r) => r.scenario === 'raw');
  const prodRaw = rows.find((r) => r.scenario === 'production-raw');
  // a ratio only where both measure the same thing as fast as they can (steady is paced; dlr waits for receipts);
  // production against its own TLS + receipts baseline from the same run
  const ratio = (r: Row): string => {
    if (r.scenario === 'raw' || r.scenario === 'production-raw') return '1.00';
    if (r.scenario === 'production' || r.scenario === 'production-floor') return prodRaw ? fmt(r.rate / prodRaw.rate, 2) : '–';
    return raw && !['steady', 'engine-50-dlr', 'production-steady'].includes(r.scenario) ? fmt(r.rate / raw.rate, 2) : '–';
  };
  const label: Record<string, string> = {
    'engine-1': 'engine, 1 integration',
    'engine-50': 'engine, 50 integrations',
    'engine-50x2': 'engine × 2 instances, 50 integrations',
    'engine-50-dlr': 'engine, 50 integrations, receipts',
    'production-raw': 'raw smpp, 3 TLS sessions, receipts (production baseline)',
    production: '**production**: 100 integrations × 100 mps, TLS, receipts',
    'production-steady': 'production steady 1,000/s (100 × 10/s)',
    'production-floor': 'I/O floor in the engine\'s place: its NATS + SMPP traffic, no logic (the "engine" columns are the floor process)',
    ...labels,
  };
  const cpuText = (c: Record<string, number>) =>
    ['engine', 'engine2', 'nats', 'smsc', 'bench'].filter((k) => k in c && Number.isFinite(c[k]!)).map((k) => `${k} ${fmt(c[k]!)}`).join(', ');
  log(`\nResults: ${settings}\n`);
  log(table(
    ['scenario', 'msgs', 'msg/s', '× raw', 'latency measured', 'p50 ms', 'p99 ms', 'submit_sm p50/p99 ms', 'engine RSS (peak) MB', 'heap MB', 'CPU % of a core', 'CPU µs/msg', 'machine busy/idle/steal %', 'engine writes/msg', 'engine heap: KB allocated/msg, GC µs/msg (major GCs)'],
    rows.map((r) => [
      label[r.scenario] ?? r.scenario, fmtInt(r.messages), fmtInt(r.rate),
      ratio(r),
      r.latencyWhat, fmt(r.latency.p50, 2), fmt(r.latency.p99, 2),
      r.smscLatency ? `${fmt(r.smscLatency.p50, 2)} / ${fmt(r.smscLatency.p99, 2)}` : '–',
      r.rssMb === undefined ? '–' : `${fmt(r.rssMb)} (${fmt(r.peakRssMb ?? Number.NaN)})`,
      r.heapMb === undefined ? '–' : fmt(r.heapMb), cpuText(r.cpu), r.cpuPerMessageUs ? cpuText(r.cpuPerMessageUs) : '–',
      r.machine ? `${fmt(r.machine.busy)} / ${fmt(r.machine.idle)} / ${fmt(r.machine.steal)}` : '–',
      r.writesPerMessage === undefined ? '–' : fmt(r.writesPerMessage, 1),
      r.gc ? `${fmt(r.gc.allocatedKbPerMessage, 1)} KB, ${fmt(r.gc.gcUsPerMessage, 1)} µs (${r.gc.majorGcs})` : '–',
    ]),
  ));
  for (const r of rows) {
    if (r.machine && r.machine.steal > 10) r.notes.push(`the hypervisor stole ${fmt(r.machine.steal)}% of the CPU during this run: its figures are low`);
  }
  const notes = rows.filter((r) => r.notes.length).map((r) => `  ${r.scenario}: ${r.notes.join('; ')}`);
  if (notes.length) log(`\nNotes:\n${notes.join('\n')}`);

  const e50 = rows.find((r) => r.scenario === 'engine-50');
  const st = rows.find((r) => r.scenario === 'steady');
  log('\nTargets (informational, not asserted):');
  const prod = rows.find((r) => r.scenario === 'production');
  const prodSteady = rows.find((r) => r.scenario === 'production-steady');
  if (prod) {
    log(`  production: ≥ 5,000 delivered msg/s: ${fmtInt(prod.rate)} → ${prod.rate >= 5_000 ? 'met' : 'NOT met'}`);
    if (prodRaw) log(`  production: ≥ 0.25 × its raw TLS + receipts baseline: ${fmt(prod.rate / prodRaw.rate, 2)} → ${prod.rate / prodRaw.rate >= 0.25 ? 'met' : 'NOT met'}`);
    const us = prod.cpuPerMessageUs?.engine ?? Number.NaN;
    log(`  production: ≤ 150 engine CPU µs per delivered message: ${fmt(us)} → ${us <= 150 ? 'met' : 'NOT met'}`);
  }
  if (prodSteady) log(`  production steady: p99 publish → submitted < 20 ms: ${fmt(prodSteady.latency.p99, 2)} ms → ${prodSteady.latency.p99 < 20 ? 'met' : 'NOT met'}`);
  if (e50) log(`  ≥ 5,000 msg/s publish → submitted with 50 integrations: ${fmtInt(e50.rate)} → ${e50.rate >= 5_000 ? 'met' : 'NOT met'}`);
  if (e50 && raw) log(`  ≥ 0.15 × raw baseline (50 integrations): ${fmt(e50.rate / raw.rate, 2)} → ${e50.rate / raw.rate >= 0.15 ? 'met' : 'NOT met'}`);
  if (st?.smscLatency) log(`  p99 publish → submit_sm < 20 ms at a steady 1,000/s: ${fmt(st.smscLatency.p99, 2)} ms → ${st.smscLatency.p99 < 20 ? 'met' : 'NOT met'}`);
}

