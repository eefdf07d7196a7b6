// The soak's arithmetic: slopes per hour from (seconds, value) samples, values read from /metrics text.
import { describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { eventLoopDelayMs, leastSquaresPerHour, metricValue } from '../../bench/soak-stats.js';

describe('soak statistics', () => {
  it('gives the least-squares slope per hour, ignoring missing values', () => {
    // 1 MB per minute: 60 MB per hour (the NaN sample is left out)
    const points = [[0, 10], [60, 11], [120, 12], [180, 13], [240, Number.NaN], [300, 15]] as const;
    expect(leastSquaresPerHour(points)).toBeCloseTo(60, 0);
    expect(leastSquaresPerHour([[0, 5], [3600, 5]])).toBe(0);
    expect(leastSquaresPerHour([[0, 5]])).toBeNaN();
  });

  it('reads an unlabelled metric and not a longer name that starts with it', () => {
    const text = '# HELP x\nbyo_nodejs_active_handles_total 17\nbyo_nodejs_eventloop_lag_p99_seconds 0.012\nbyo_nodejs_eventloop_lag_p99_seconds_extra 9\n';
    expect(metricValue(text, 'byo_nodejs_active_handles_total')).toBe(17);
    expect(metricValue(text, 'byo_nodejs_eventloop_lag_p99_seconds')).toBe(0.012);
    expect(metricValue(text, 'byo_missing')).toBeNaN();
  });

  it("takes the sampling interval out of the event-loop figures: an idle loop's samples are the interval itself", async () => {
    // what prom-client reads (perf_hooks.monitorEventLoopDelay): an idle loop, 50 ms resolution
    const h = monitorEventLoopDelay({ resolution: 50 });
    h.enable();
    await new Promise((r) => setTimeout(r, 600));
    h.disable();
    expect(h.percentile(50) / 1e6).toBeGreaterThanOrEqual(45);
    expect(eventLoopDelayMs(h.percentile(50) / 1e9, 50)).toBeLessThan(20);
    expect(eventLoopDelayMs(0.1034)).toBeCloseTo(3.4, 5);
    expect(eventLoopDelayMs(0.09)).toBe(0);
  });
});
