// Composition root: config → NATS → stores → number fleet, subscribers, outbound, inbound → supervisor
// → HTTP. main.ts wraps it in a process.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { type EngineConfig, integrationSchemas } from './config/index.js';
import {
  connectNats, defaultReplicas, ensureStreams, ensureBuckets, createKvIntegrationStore, type NatsHandle, createKvNumberStore, natsEventSink, BUCKETS, JsPublisher, openFastKv,
  createKvTokenStore, natsEventStream, mtQueueDepths,
} from './adapters/nats/index.js';
import { ConsoleSessions } from './adapters/http/index.js';
import { FleetActivity } from './domain/index.js';
import { consolePlugin } from './console/index.js';
import { loadMasterKey, parsePreviousMasterKey, sealCredentials } from './adapters/secrets.js';
import { startKeyRotation } from './key-rotation.js';
import { buildHttpServer, numberRoutes } from './adapters/http/index.js';
import { createMetrics } from './adapters/metrics.js';
import { BindAttemptBudget, CoarseClock, IntegrationEvents, NumberFleet, Supervisor, watchOlderInstances } from './actors/index.js';
import { Outbound, natsMessageTraces } from './actors/outbound/index.js';
import { SubscriberRegistry, Inbound } from './actors/inbound/index.js';

export interface Engine {
  http: FastifyInstance;
  nats: NatsHandle;
  supervisor: Supervisor;
  outbound: Outbound;
  address: string;
  /** where the API token is kept; undefined when it comes from BYO_API_TOKEN */
  tokenFile: string | undefined;
  stop(): Promise<void>;
}

/** What has started, stopped in reverse order: by stop(), or when a later step of start-up fails. */
class Started {
  private readonly stops: (() => Promise<unknown> | void)[] = [];
  add(stop: () => Promise<unknown> | void): void {
    this.stops.push(stop);
  }
  async stopAll(logger: Logger): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      await Promise.resolve().then(stop).catch((err: unknown) => logger.warn({ err }, 'stopping a part of the engine failed'));
    }
  }
}

/**
 * Builds the engine in dependency order (nothing refers to a part built after it), starts it, and
 * returns a stop() that undoes each start in reverse. Integrations reach outbound, inbound and the
 * number fleet through IntegrationEvents, which each of them subscribes to when constructed.
 */
export async function startEngine(config: Readonly<EngineConfig>, logger: Logger): Promise<Engine> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const apiToken = config.apiToken ?? (await loadOrCreateApiToken(config.dataDir, logger));
  const instanceId = config.instanceId ?? (hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'byo-smpp');
  const masterKey = await loadMasterKey({ env: config.masterKey, dataDir: config.dataDir });
  const previousKey = parsePreviousMasterKey(config.previousMasterKey);
  const started = new Started();
  try {
    // connect
    const nats = await connectNats({ url: config.natsUrl, dataDir: config.dataDir, logger, auth: config.natsAuth });
    started.add(() => nats.close());
    const replicas = config.limits.jetStreamReplicas ?? defaultReplicas(nats);
    await ensureStreams(nats.jsm, { replicas });
    const buckets = await ensureBuckets(nats.kvm, { trackingTtlMs: config.limits.trackingTtlMs, leasesMaxAgeMs: config.timers.ownerClaimTtlMs, replicas });
    const publisher = new JsPublisher(nats.nc, { ackTimeoutMs: config.timers.jetStreamAckTimeoutMs });
    const fastTracking = await openFastKv(publisher, nats.jsm, BUCKETS.tracking);

    // construct, each part after what it uses
    const now = () => new Date();
    const store = createKvIntegrationStore(buckets.integrations, { logger });
    const numbers = createKvNumberStore(buckets.numbers, { logger });
    const schemas = integrationSchemas({ extraPorts: config.extraPorts, allowPlaintext: config.allowPlaintext });
    const sink = natsEventSink(nats.js, logger);
    const metrics = createMetrics({ eventLoopMonitorResolutionMs: config.timers.eventLoopMonitorResolutionMs });
    const events = new IntegrationEvents(logger);
    // what the console's fleet view counts (messages/s, last submit and receipt, failure causes)
    const activity = new FleetActivity(now);
    const outboundMetrics = activity.observe(metrics.outbound);
    const fleet = new NumberFleet({ kv: buckets.numbers, store: numbers, sink, logger, now, events });
    const subscribers = new SubscriberRegistry({
      kv: buckets.subscribers, sink, logger, now, idleMs: config.timers.subscriberIdleMs, historyLimit: config.limits.subscriberHistoryLimit,
      optOutConfirmIntervalMs: config.timers.optOutConfirmIntervalMs,
    });
    const outbound = new Outbound({
      nats, tracking: buckets.tracking, publisher, store, fastTracking, engine: config, logger, now,
      numbers: fleet, subscribers, events, metrics: outboundMetrics,
    });
    const inbound = new Inbound({
      kv: buckets.tracking, publisher, tracker: outbound.tracker, statuses: outbound.statuses, recorded: outbound.recorded,
      subscribers, numbers: fleet, events, engine: config, logger, now, metrics: outboundMetrics,
    });
    // no integration is claimed while an older version's instances may run some (legacy-owners.ts)
    const olderInstances = watchOlderInstances(nats.jsm, logger, config.timers.ownerRenewMs);
    started.add(() => olderInstances.stop());
    const supervisor = new Supervisor({
      store, claimsKv: buckets.claims, leasesKv: buckets.leases, stateKv: buckets.state, ownerRenewMs: config.timers.ownerRenewMs,
      ownerHandoffsPerRenew: config.limits.ownerHandoffsPerRenew, ownerFenceMs: config.timers.ownerFenceMs,
      // half the server's max_payload leaves room for the head's wrapper and the message headers
      stateSnapshotChunkBytes: Math.min(config.limits.stateSnapshotChunkBytes, Math.floor((nats.nc.info?.max_payload ?? 1_048_576) / 2)),
      engine: config, schemas, masterKey: previousKey ? [masterKey, previousKey] : masterKey, sink, logger, now, instanceId, events,
      bindAttempts: new BindAttemptBudget(config.limits.bindAttemptsPerSecond),
      actorClock: new CoarseClock(config.timers.actorTimerGridMs, config.limits.actorTimersPerTurn),
      mayClaimAny: () => olderInstances.clear,
    });
    metrics.observe({ integrations: supervisor, outbound });
    const sessions = new ConsoleSessions(apiToken, config.timers.consoleSessionTtlMs, now);
    const tokens = createKvTokenStore(buckets.tokens, logger);
    const http = buildHttpServer({
      store, schemas, state: supervisor, apiToken, logger, deleteWaitMs: config.timers.deleteWaitMs,
      egressCidrs: config.egressCidrs,
      secrets: { seal: (creds, aad) => sealCredentials(masterKey, creds, aad) },
      // from the fleet's watch (O(the integration's numbers)), not the store's list of every number
      numbersOf: (org, id) => fleet.numbersOf(org, id, config.timers.numbersViewWaitMs),
      isReady: () => nats.state() === 'connected' && supervisor.reconciled,
      metricsText: () => metrics.text(),
      tokens,
      plugins: [
        numberRoutes({
          numbers, integrations: store,
          listed: { byOrg: (org) => fleet.list(config.timers.numbersViewWaitMs, org), byIntegration: (org, id) => fleet.numbersOf(org, id, config.timers.numbersViewWaitMs) },
          subscriber: (sender, handset) => subscribers.get(sender, handset) }),
        consolePlugin({
          apiToken, sessions, tokens, store, state: supervisor, instanceId, windowSize: config.limits.windowSize,
          numbers: { list: () => fleet.list(config.timers.numbersViewWaitMs) },
          stats: { activity: (org, id) => activity.activity(org, id), queueDepths: () => mtQueueDepths(nats.jsm) },
        }),
      ],
      sessions,
      events: natsEventStream(nats.nc, nats.js, { fetchExpiresMs: config.timers.streamFetchExpiresMs, replayScanMax: config.limits.eventReplayScanMax }),
      sseHeartbeatMs: config.timers.sseHeartbeatMs,
      traces: natsMessageTraces({
        tracker: outbound.tracker, js: nats.js, now, lookbackMs: config.timers.traceLookbackMs, scanMax: config.limits.traceScanMax,
        fetchExpiresMs: config.timers.streamFetchExpiresMs,
      }),
    });

    // start; stop() undoes these in reverse
    await fleet.start();
    started.add(() => fleet.stop());
    await subscribers.start();
    started.add(() => subscribers.stop());
    await olderInstances.looked;
    await supervisor.start();
    started.add(() => supervisor.stop(config.timers.deactivateTimeoutMs));
    if (previousKey) startKeyRotation(store, { current: masterKey, previous: previousKey }, logger);
    outbound.start();
    // lanes finish their started messages (bounded by one response timeout) while binds are still up
    started.add(async () => {
      await outbound.stop();
      inbound.stop();
    });
    const address = await http.listen({ host: config.http.host, port: config.http.port });
    started.add(() => http.close());
    logger.info({ address, instanceId, nats: nats.localServer ? 'local child' : 'external' }, 'byo-smpp engine started');

    let stopping: Promise<void> | undefined;
    const tokenFile = config.apiToken ? undefined : join(config.dataDir, 'api-token');
    return { http, nats, supervisor, outbound, address, tokenFile, stop: () => (stopping ??= started.stopAll(logger)) };
  } catch (err) {
    await started.stopAll(logger);
    throw err;
  }
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
