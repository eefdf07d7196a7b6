// Arithmetic of the soak (bench/soak.ts): one sample of the engine, a Prometheus value read from /metrics
// text, and the least-squares slope of a series, per hour.

export interface SoakSample {
  /** seconds since the load started */
  atS: number;
  heapMb: number;
  heapBeforeGcMb: number;
  rssMb: number;
  handles: number;
  eldP99Ms: number;
  eldMaxMs: number;
  published: number;
  final: number;
}

/**
 * prom-client's `byo_nodejs_eventloop_lag_*` come from perf_hooks.monitorEventLoopDelay, whose samples are
 * the whole time between its timer's ticks: an idle loop reads about the resolution
 * (BYO_EVENT_LOOP_MONITOR_RESOLUTION_MS, 100 ms by default), not 0. The delay is what exceeds it.
 */
export const ENGINE_ELD_RESOLUTION_MS = 100;
export const eventLoopDelayMs = (sampleSeconds: number, resolutionMs = ENGINE_ELD_RESOLUTION_MS): number =>
  Math.max(0, sampleSeconds * 1000 - resolutionMs);

/** the value of an unlabelled metric in Prometheus text exposition; NaN when absent */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** least-squares slope of (seconds, value) points, in value per hour; NaN with fewer than two points */
export function leastSquaresPerHour(points: readonly (readonly [number, number])[]): number {
  const xs = points.filter(([, y]) => Number.isFinite(y));
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((s, [x]) => s + x, 0) / n;
  const my = xs.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of xs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : (sxy / sxx) * 3600;
}
