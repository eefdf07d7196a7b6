// Prometheus exposition through prom-client (not hand-written): process metrics plus gauges read
// from the live actors at scrape time, and counters the outbound pipeline increments.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IntegrationStateView, OutboundMetrics } from '../domain/index.js';

/** What the gauges read at scrape time: ports onto the supervisor and outbound, built after the counters. */
export interface MetricsSources {
  integrations: { localViews(): IntegrationStateView[] };
  /** per integration owned here: segments waiting to be sent, messages taken from JetStream and not acked */
  outbound: {
    depth(): { org: string; integration: string; queuedSegments: number; openMessages: number }[];
    /** idle consumers parked now, and wake-ups by reason since start (none: parking off) */
    parking?: { readonly size: number; readonly woken: Readonly<Record<string, number>> } | undefined;
  };
}

export interface Metrics {
  registry: Registry;
  outbound: OutboundMetrics;
  /** registers the gauges over the live parts of the engine, once they exist */
  observe(src: MetricsSources): void;
  text(): Promise<string>;
}

export interface MetricsOptions {
  /** how often the event-loop delay histogram samples the loop (prom-client's eventLoopMonitoringPrecision) */
  eventLoopMonitorResolutionMs?: number;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'byo_', eventLoopMonitoringPrecision: opts.eventLoopMonitorResolutionMs ?? 100 });
  const statuses = new Counter({ name: 'byo_message_statuses_total', help: 'message statuses published', labelNames: ['state'] as const, registers: [registry] });
  const submitLatency = new Histogram({
    name: 'byo_submit_latency_seconds', help: 'from publish on byo.mt to the `submitted` status', registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5, 30],
  });
  const submits = new Counter({
    name: 'byo_submit_sm_total', help: 'submit_sm by outcome: command_status name, or timeout/closed/nack', labelNames: ['org', 'integration', 'status'] as const, registers: [registry],
  });
  const delivers = new Counter({
    name: 'byo_deliver_sm_total', help: 'deliver_sm received, by kind (receipt, mo)', labelNames: ['org', 'integration', 'kind'] as const, registers: [registry],
  });
  const answers = new Counter({
    name: 'byo_deliver_sm_answers_total', help: 'deliver_sm not simply handled, by answer (retried, notStored, unmatched, unmatchedGivenUp)',
    labelNames: ['org', 'integration', 'answer'] as const, registers: [registry],
  });
  const mos = new Counter({
    name: 'byo_mo_messages_total', help: 'inbound messages published, by compliance keyword (none, help, optOut, optIn)', labelNames: ['org', 'integration', 'keyword'] as const, registers: [registry],
  });
  const lostPulls = new Counter({
    name: 'byo_mt_lost_pulls_total', help: 'MT pull requests nats-server (< 2.9.16) ended without a 408, noticed and pulled again', labelNames: ['org', 'integration'] as const, registers: [registry],
  });
  const outbound: OutboundMetrics = {
    status: (state) => statuses.inc({ state }),
    submitted: (seconds) => submitLatency.observe(seconds),
    submitOutcome: (org, integration, status) => submits.inc({ org, integration, status }),
    deliverSm: (org, integration, kind) => delivers.inc({ org, integration, kind }),
    deliverSmAnswer: (org, integration, answer) => answers.inc({ org, integration, answer }),
    mo: (org, integration, keyword) => mos.inc({ org, integration, keyword: keyword ?? 'none' }),
    lostPull: (org, integration) => lostPulls.inc({ org, integration }),
  };
  const observe = (src: MetricsSources): void => {
    new Gauge({
      name: 'byo_integrations', help: 'integrations owned by this instance, by state', labelNames: ['state'], registers: [registry],
      collect() {
        this.reset();
        for (const v of src.integrations.localViews()) this.inc({ state: v.state });
      },
    });
    new Gauge({
      name: 'byo_binds', help: 'SMPP binds owned by this instance, by state', labelNames: ['state'], registers: [registry],
      collect() {
        this.reset();
        for (const v of src.integrations.localViews()) for (const b of v.binds) this.inc({ state: b.state });
      },
    });
    new Gauge({
      name: 'byo_outbound_queued_segments', help: 'segments waiting for pacing or a bind, per integration', labelNames: ['org', 'integration'], registers: [registry],
      collect() {
        this.reset();
        for (const d of src.outbound.depth()) this.set({ org: d.org, integration: d.integration }, d.queuedSegments);
      },
    });
    new Gauge({
      name: 'byo_outbound_open_messages', help: 'messages taken from BYO_MT and not yet acknowledged, per integration', labelNames: ['org', 'integration'], registers: [registry],
      collect() {
        this.reset();
        for (const d of src.outbound.depth()) this.set({ org: d.org, integration: d.integration }, d.openMessages);
      },
    });
    new Gauge({
      name: 'byo_mt_parked_consumers', help: 'integrations whose MT consumer is parked: idle, no pull open, woken by a publish', registers: [registry],
      collect() {
        this.set(src.outbound.parking?.size ?? 0);
      },
    });
    new Counter({
      name: 'byo_mt_parked_wakeups_total', help: 'parked MT consumers woken, by reason (message, waiting, reconnect, sweep, error)', labelNames: ['reason'], registers: [registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(src.outbound.parking?.woken ?? {})) this.inc({ reason }, n);
      },
    });
  };
  return { registry, outbound, observe, text: () => registry.metrics() };
}
