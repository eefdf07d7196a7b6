// Prometheus exposition through prom-client (not hand-written): process metrics plus gauges read
// from the live actors at scrape time, and counters the outbound pipeline increments.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IntegrationStateView } from './http/deps.js';

export interface MetricsSources {
  localViews(): IntegrationStateView[];
}

export interface Metrics {
  registry: Registry;
  statuses: Counter<'state'>;
  submitLatency: Histogram;
  text(): Promise<string>;
}

export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'byo_' });
  new Gauge({
    name: 'byo_integrations', help: 'integrations owned by this instance, by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const v of src.localViews()) this.inc({ state: v.state });
    },
  });
  new Gauge({
    name: 'byo_binds', help: 'SMPP binds owned by this instance, by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const v of src.localViews()) for (const b of v.binds) this.inc({ state: b.state });
    },
  });
  const statuses = new Counter({ name: 'byo_message_statuses_total', help: 'message statuses published', labelNames: ['state'] as const, registers: [registry] });
  const submitLatency = new Histogram({
    name: 'byo_submit_latency_seconds', help: 'publish-to-submitted latency', registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5],
  });
  return { registry, statuses, submitLatency, text: () => registry.metrics() };
}
