// Composition root: config → logger → NATS → supervisor → HTTP. main.ts wraps it in a process.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { type EngineConfig, integrationSchemas } from './config/index.js';
import {
  connectNats, ensureStreams, ensureBuckets, createKvIntegrationStore, type NatsHandle, createKvNumberStore, natsEventSink, BUCKETS, keys, JsPublisher, openFastKv,
} from './adapters/nats/index.js';
import { loadMasterKey, sealCredentials } from './adapters/secrets.js';
import { buildHttpServer, numberRoutes } from './adapters/http/index.js';
import { Supervisor, NumberFleet } from './actors/index.js';
import { createMetrics } from './adapters/metrics.js';
import { Outbound } from './actors/outbound/index.js';
import { SubscriberRegistry, Inbound } from './actors/inbound/index.js';

export interface Engine {
  http: FastifyInstance;
  nats: NatsHandle;
  supervisor: Supervisor;
  outbound: Outbound;
  address: string;
  stop(): Promise<void>;
}


export async function startEngine(config: Readonly<EngineConfig>, logger: Logger): Promise<Engine> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const apiToken = config.apiToken ?? (await loadOrCreateApiToken(config.dataDir, logger));
  const instanceId = config.instanceId ?? (hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'byo-smpp');
  const masterKey = await loadMasterKey({ env: config.masterKey, dataDir: config.dataDir });
  const nats = await connectNats({ url: config.natsUrl, dataDir: config.dataDir, logger });
  const replicas = config.limits.jetStreamReplicas;
  await ensureStreams(nats.jsm, { replicas });
  const buckets = await ensureBuckets(nats.kvm, { trackingTtlMs: config.limits.trackingTtlMs, ownersMaxAgeMs: config.timers.ownerClaimTtlMs, replicas });
  const store = createKvIntegrationStore(buckets.integrations, { logger });
  const numbers = createKvNumberStore(buckets.numbers, { logger });
  const schemas = integrationSchemas({ extraPorts: config.extraPorts, allowPlaintext: config.allowPlaintext });
  const sink = natsEventSink(nats.js, logger);
  const now = () => new Date();
  // The closures below read `supervisor`: they run only after it is constructed (fleet.start() follows it).
  const fleet = new NumberFleet({
    kv: buckets.numbers, store: numbers, sink, logger, now,
    integration: (org, id) => supervisor.actors.get(keys.integration(org, id)),
  });
  const metrics = createMetrics({ localViews: () => supervisor.localViews(), outboundDepth: () => outbound.depth() });
  const subscribers = new SubscriberRegistry({
    kv: buckets.subscribers, sink, logger, now, idleMs: config.timers.subscriberIdleMs, historyLimit: config.limits.subscriberHistoryLimit,
  });
  const publisher = new JsPublisher(nats.nc, { ackTimeoutMs: config.timers.jetStreamAckTimeoutMs });
  const outbound = new Outbound({
    nats, tracking: buckets.tracking, publisher, store, fastTracking: await openFastKv(publisher, nats.jsm, BUCKETS.tracking), engine: config, logger, now,
    isActiveSender: (org, id, e164) => fleet.isActiveSender(org, id, e164),
    subscribers, keywordsFor: (org, id, e164) => fleet.keywordsFor(org, id, e164),
    metrics: metrics.outbound,
  });
  const inbound = new Inbound({
    kv: buckets.tracking, publisher, tracker: outbound.tracker, statuses: outbound.statuses, recorded: outbound.recorded,
    subscribers, keywordsFor: (org, id, e164) => fleet.keywordsFor(org, id, e164), engine: config, logger, now, metrics: metrics.outbound,
  });

  const supervisor: Supervisor = new Supervisor({
    store, owners: buckets.owners, stateKv: buckets.state, ownerRenewMs: config.timers.ownerRenewMs,
    ownerHandoffsPerRenew: config.limits.ownerHandoffsPerRenew,
    engine: config, schemas, masterKey, sink, logger, now, instanceId,
    onDeliverSm: (actor, _index, session, pdu) => inbound.onDeliverSm(actor, session, pdu),
    onChange: (actor, change) => {
      outbound.onChange(actor, change === 'config');
      if (change === 'state') fleet.integrationChanged(actor.org, actor.id);
    },
    onActorStarted: (actor) => {
      outbound.attach(actor);
      inbound.attach(actor);
      fleet.integrationChanged(actor.org, actor.id);
    },
    // in-flight messages finish on the binds they started on (bounded by one response timeout)
    beforeActorStop: (actor) => outbound.detach(actor, config.timers.responseTimeoutMs),
    onActorStopped: (actor) => {
      void outbound.detach(actor);
      inbound.detach(actor);
      fleet.integrationChanged(actor.org, actor.id);
    },
    onIntegrationDeleted: async (org, id) => {
      await outbound.forget(org, id);
      for (const n of await numbers.listByIntegration(org, id)) await numbers.release(n.e164);
    },
  });
  await fleet.start();
  await subscribers.start();
  await supervisor.start();
  outbound.unroutable.start();
  const http = buildHttpServer({
    store, schemas, state: supervisor, apiToken, logger, deleteWaitMs: config.timers.deleteWaitMs,
    egressCidrs: config.egressCidrs,
    secrets: { seal: (creds, aad) => sealCredentials(masterKey, creds, aad) },
    numbersOf: (org, id) => numbers.listByIntegration(org, id),
    isReady: () => nats.state() === 'connected' && supervisor.reconciled,
    metricsText: () => metrics.text(),
    plugins: [numberRoutes({ numbers, integrations: store, subscriber: (sender, handset) => subscribers.get(sender, handset) })],
  });
  const address = await http.listen({ host: config.http.host, port: config.http.port });
  logger.info({ address, instanceId, nats: nats.localServer ? 'local child' : 'external' }, 'byo-smpp engine started');

  let stopping: Promise<void> | undefined;
  return {
    http, nats, supervisor, outbound, address,
    stop: () => (stopping ??= (async () => {
      await http.close().catch(() => undefined);
      await outbound.stop();
      inbound.stop();
      await supervisor.stop(config.timers.deactivateTimeoutMs);
      fleet.stop();
      subscribers.stop();
      await nats.close();
    })()),
  };
}

/** No default credentials: without BYO_API_TOKEN a random token is kept in the data dir (mode 0600). */
async function loadOrCreateApiToken(dataDir: string, logger: Logger): Promise<string> {
  const path = join(dataDir, 'api-token');
  const existing = await readFile(path, 'utf8').then((s) => s.trim(), () => '');
  if (existing.length >= 16) return existing;
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, token + '\n', { mode: 0o600 });
  logger.info({ path }, 'BYO_API_TOKEN unset: generated an API token into the data dir');
  return token;
}
