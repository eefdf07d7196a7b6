// One measured load run against an engine: CPU of each process, the machine's busy/idle/steal, the
// engine's writes per message and memory, and msg/s from the first publish to the last completed message.
import { CpuMeter, memoryMb, summarise } from './stats.js';
import type { Row } from './report.js';
import type { LoadOptions, LoadResult, MtLoad } from './mt-load.js';
import type { BenchEngine, BenchIntegration, GcTotals } from './processes.js';

export type MeasuredRow = Omit<Row, 'scenario' | 'latencyWhat' | 'notes'>;

export async function measureLoad(
  load: MtLoad, integrations: readonly BenchIntegration[], options: LoadOptions, pids: Record<string, number | undefined>, engine: Pick<BenchEngine, 'pid' | 'gcStats' | 'metrics'>,
): Promise<{ r: LoadResult; row: MeasuredRow }> {
  const cpu = new CpuMeter(pids);
  const gc0 = engine.gcStats();
  cpu.begin();
  const r = await load.run(integrations, options);
  const usage = cpu.end();
  const gc1 = engine.gcStats();
  const machine = cpu.machine();
  const writes = cpu.writes().engine! / r.submitted;
  const m = await engine.metrics().catch(() => undefined);
  const mem = memoryMb(engine.pid);
  const rate = (r.submitted / (r.lastSubmittedAt - r.firstPublishAt)) * 1000;
  return {
    r,
    row: {
      messages: r.submitted, rate, latency: summarise(r.latencyMs), rssMb: m?.rssMb ?? mem.rss, peakRssMb: mem.peakRss, heapMb: m?.heapUsedMb,
      cpu: usage, machine, cpuPerMessageUs: cpu.perMessageUs(r.submitted), writesPerMessage: writes,
      ...(gc0 && gc1 ? { gc: gcPerMessage(gc0, gc1, r.submitted) } : {}),
    },
  };
}

/** the engine's V8 heap over the window, per message: KB allocated, µs in collections (main thread), and the major GCs */
function gcPerMessage(a: GcTotals, b: GcTotals, messages: number): NonNullable<Row['gc']> {
  return {
    allocatedKbPerMessage: (b.allocatedBytes - a.allocatedBytes) / 1024 / messages,
    gcUsPerMessage: ((b.scavengeMs - a.scavengeMs + b.majorGcMs - a.majorGcMs) * 1000) / messages,
    majorGcs: b.majorGcs - a.majorGcs,
  };
}
