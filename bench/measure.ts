// One measured load run against an engine: CPU of each process, the machine's busy/idle/steal, the
// engine's writes per message and memory, and msg/s from the first publish to the last completed message.
import { CpuMeter, memoryMb, summarise } from './stats.js';
import type { Row } from './report.js';
import type { LoadOptions, LoadResult, MtLoad } from './mt-load.js';
import type { BenchEngine, BenchIntegration } from './processes.js';

export type MeasuredRow = Omit<Row, 'scenario' | 'latencyWhat' | 'notes'>;

export async function measureLoad(
  load: MtLoad, integrations: readonly BenchIntegration[], options: LoadOptions, pids: Record<string, number | undefined>, engine: BenchEngine,
): Promise<{ r: LoadResult; row: MeasuredRow }> {
  const cpu = new CpuMeter(pids);
  cpu.begin();
  const r = await load.run(integrations, options);
  const usage = cpu.end();
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
    },
  };
}
