// Engine settings from the environment, validated once at start-up and frozen. Every timer, limit
// and retry has a name with its unit and an env override; values are defaults a real SMSC accepts.
import { z } from 'zod';
import { ID_PATTERN } from './ids.js';

const ms = (def: number) => z.coerce.number().int().min(1).default(def);
const count = (def: number) => z.coerce.number().int().min(1).default(def);
const flag = z.enum(['0', '1', 'true', 'false', '']).default('0').transform((v) => v === '1' || v === 'true');
const list = z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** see docs/performance.md (seventh session): at 1,000 idle integrations the pulls of 5 s were half the engine's idle CPU */
export const MT_PULL_EXPIRES_DEFAULT_MS = 15_000;

export const timersSchema = z.object({
  /** how long an integration may try to bring its first bind up before it counts as failed */
  bindWindowMs: ms(15 * 60_000),
  /** delay between the start of bind 0, 1 and 2 of one integration */
  bindStaggerMs: ms(1_000),
  connectTimeoutMs: ms(10_000),
  bindResponseTimeoutMs: ms(10_000),
  enquireLinkIntervalMs: ms(30_000),
  enquireLinkTimeoutMs: ms(10_000),
  /** expiry of one outstanding submit_sm (or any other request) */
  responseTimeoutMs: ms(10_000),
  unbindTimeoutMs: ms(5_000),
  backoffInitialMs: ms(1_000),
  backoffMaxMs: ms(60_000),
  /** after ESME_RINVPASWD / RINVSYSID / RBINDFAIL / RALYBND: an SMSC may lock the account */
  authBackoffInitialMs: ms(30_000),
  authBackoffMaxMs: ms(15 * 60_000),
  /** how long deactivation waits for unbind_resp from all binds before closing sockets */
  deactivateTimeoutMs: ms(10_000),
  /** an instance's lease lives 7 s in KV (byo_leases max age): renew well within it; also refreshes /v1/state */
  ownerRenewMs: ms(1_000),
  /** an instance's lease lapses this long after its last renewal (byo_leases max age): failover time */
  ownerClaimTtlMs: ms(7_000),
  /** how long DELETE waits for the owning engine to unbind and erase before answering 202 */
  deleteWaitMs: ms(10_000),
  /** a pull of an integration's MT consumer lasts this long (each idle integration makes one, with two heartbeats, per period); a pull lost in a nats-server restart and not renewed at reconnect is noticed after about as long */
  mtPullExpiresMs: z.coerce.number().int().min(1_000).default(MT_PULL_EXPIRES_DEFAULT_MS),
  /** a one-off read of a stream (event replay, message trace, the unroutable sweep) waits at most this long for the messages it asked for */
  streamFetchExpiresMs: z.coerce.number().int().min(1_000).default(5_000),
  /** integration and bind timers of at least 5 × this (keep-alive interval, response timeouts, backoffs) are rounded up to a multiple of it and fire together: fewer wake-ups with many binds (coarse-clock.ts). 1: exact */
  actorTimerGridMs: ms(1_000),
  /** an idle integration's MT consumer parks (no pull open; a publish wakes it: mt-parking.ts); this often one request looks for messages a parked consumer missed. 0: never park */
  mtParkedCheckMs: z.coerce.number().int().min(0).default(10_000),
  /** nats-server < 2.9.16 may drop an expired pull without its 408: a pull still counted this long after its expiry is taken as lost and pulled again */
  mtPullLostGraceMs: ms(250),
  /** how long a JetStream publish on the message path (status, tracking) waits for the stream's ack */
  jetStreamAckTimeoutMs: ms(5_000),
  /** how long the parts of a concatenated inbound message wait for the rest before what arrived is published */
  moReassemblyTimeoutMs: ms(5 * 60_000),
  /** how often BYO_MT is checked for messages of integrations that do not exist (rejected at the second sighting) */
  unroutableSweepMs: ms(60_000),
  /** a subscriber actor with no keyword for this long is stopped (its state stays in KV) */
  subscriberIdleMs: ms(60_000),
  /** a handset that mentions an opt-out keyword (optOutByIntent: confirm) is asked to text STOP at most once per this */
  optOutConfirmIntervalMs: ms(24 * 3600_000),
  /** an owner closes an integration's binds when no claim write sent within this long is confirmed; unset: TTL - 2 s, at least 2/3 of the TTL */
  ownerFenceMs: z.coerce.number().int().min(1).optional(),
  /** a failing bind logs its reason at warn at most once per this many ms (the events carry every attempt) */
  bindFailureLogIntervalMs: ms(60_000),
  /** a console session (cookie) lasts this long after sign-in */
  consoleSessionTtlMs: ms(12 * 3600_000),
  /** an integration's view lists its numbers from this instance's watch of byo_numbers once the watch has caught up with the bucket; past this wait, from the bucket itself (slower) */
  numbersViewWaitMs: ms(2_000),
  /** GET .../messages/:messageId searches statuses this far back when the message has no track */
  traceLookbackMs: ms(24 * 3600_000),
  /** GET /v1/events/stream sends a keep-alive comment this often (proxies close idle streams) */
  sseHeartbeatMs: ms(15_000),
  /** an instance rewrites its state snapshot (KV byo_state, read by GET /v1/state elsewhere) this long after an integration changed state; at most one write per this */
  stateSnapshotDebounceMs: ms(200),
  /** the event-loop delay metric samples the loop this often: each sample wakes an idle engine, so 10 ms (prom-client's default) cost every idle engine 100 wake-ups a second */
  eventLoopMonitorResolutionMs: ms(100),
});
export type Timers = Omit<z.infer<typeof timersSchema>, 'ownerFenceMs'> & { ownerFenceMs: number };

export const limitsSchema = z.object({
  /** outstanding submit_sm per bind */
  windowSize: count(10),
  /** how long a submit/receipt correlation is kept (KV bucket max age) */
  trackingTtlMs: ms(72 * 3600_000),
  /** delay before a message that could not be sent (no bind, throttled) is redelivered */
  requeueDelayMs: ms(1_000),
  throttleBackoffMs: ms(1_000),
  /** cap of the doubling pause after consecutive ESME_RTHROTTLED / RMSGQFUL */
  throttleBackoffMaxMs: ms(30_000),
  maxPduLength: count(65_536),
  /** JetStream lease of an MT message being worked on; renewed while it waits for a bind */
  mtAckWaitMs: ms(60_000),
  /** MT messages taken from JetStream and not yet acknowledged, per integration */
  maxInFlightMessagesPerIntegration: count(1_000),
  /** how long a receipt that matches no submit yet is held before the SMSC is told to retry it;
   *  well under an SMSC's own deliver_sm response timeout (often 10-30 s) */
  receiptHoldMs: ms(3_000),
  /** how long a deliver_sm whose outcome cannot be stored yet (a NATS fault: a JetStream leader being elected,
   *  a node down) is retried here before the SMSC is told to retry it (ESME_RX_T_APPN): an SMSC that drops a
   *  refused receipt loses nothing to a fault shorter than this. A JetStream leader election on a loaded host
   *  took over 8 s in tests; an SMSC whose response timeout is shorter than this needs it lowered. */
  deliverSmRetryMaxMs: ms(20_000),
  /** first pause between those retries, doubling up to 2 s */
  deliverSmRetryDelayMs: ms(250),
  /** a receipt that keeps matching no message is refused (the SMSC resends it: its record may be late) until
   *  this long after it was first seen here; then it is acknowledged and counted, so the SMSC stops resending */
  receiptUnmatchedGiveUpMs: ms(600_000),
  /** JetStream replicas for every stream and KV bucket; unset: 3 when the server is part of a cluster, else 1 */
  jetStreamReplicas: z.coerce.number().int().min(1).max(5).optional(),
  /** an instance's state snapshot (KV byo_state) is written as values of at most this many bytes; a larger one is split (at ~425 bytes per integration, one value held ~2,400 integrations under the default max_payload of 1 MB). Bounded by half the server's max_payload at start-up */
  stateSnapshotChunkBytes: count(262_144),
  /** integrations an instance hands to their preferred instance per owner renewal (balancing without a rebind storm) */
  ownerHandoffsPerRenew: count(5),
  /** keywords kept per subscriber (sender number, handset) in KV, newest last */
  subscriberHistoryLimit: count(50),
  /** labs and benchmarks only: replaces every integration's messagesPerSecond (may exceed 100) */
  rateLimitOverrideMps: z.coerce.number().int().min(1).optional(),
  /** bind attempts (connect + bind) the whole instance starts per second, across every integration */
  bindAttemptsPerSecond: count(20),
  /** actor timers due at one grid point (BYO_ACTOR_TIMER_GRID_MS) run at most this many per event-loop turn, the rest in the next turns: a burst of keep-alive writes does not hold the loop */
  actorTimersPerTurn: count(50),
  /** stored events scanned at most to replay history on GET /v1/events/stream */
  eventReplayScanMax: count(10_000),
  /** stored statuses scanned at most for one message trace */
  traceScanMax: count(50_000),
});
export type Limits = z.infer<typeof limitsSchema>;

const envSchema = z.object({
  NATS_URL: z.string().optional(),
  BYO_HTTP: z.string().regex(/^[^:]+:\d{1,5}$/, { error: 'BYO_HTTP must be host:port' })
    .refine((v) => Number(v.split(':')[1]) <= 65535, { error: 'BYO_HTTP port must be 0-65535' }).default('127.0.0.1:8080'),
  BYO_MASTER_KEY: z.string().optional(),
  BYO_MASTER_KEY_PREVIOUS: z.string().optional(),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().optional(),
  NATS_CREDS: z.string().optional(),
  NATS_TLS_CA: z.string().optional(),
  NATS_TLS_CERT: z.string().optional(),
  NATS_TLS_KEY: z.string().optional(),
  BYO_API_TOKEN: z.string().min(16, { error: 'BYO_API_TOKEN must be at least 16 characters' }).optional(),
  BYO_INSTANCE_ID: z.string().regex(ID_PATTERN).optional(),
  BYO_DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BYO_ALLOW_PLAINTEXT: flag,
  BYO_EXTRA_PORTS: list.pipe(z.array(z.string().regex(/^\d{1,5}$/, { error: 'BYO_EXTRA_PORTS must be a comma-separated list of ports' })
    .transform(Number).refine((p) => p >= 1 && p <= 65535, { error: 'BYO_EXTRA_PORTS: ports must be 1-65535' }))),
  /** egress addresses to allow-list at the vendor, served by GET /v1/ipranges */
  BYO_EGRESS_CIDRS: list,
});

const TIMER_ENV: Record<keyof Timers, string> = {
  bindWindowMs: 'BYO_BIND_WINDOW_MS', bindStaggerMs: 'BYO_BIND_STAGGER_MS', connectTimeoutMs: 'BYO_CONNECT_TIMEOUT_MS',
  bindResponseTimeoutMs: 'BYO_BIND_RESPONSE_TIMEOUT_MS', enquireLinkIntervalMs: 'BYO_ENQUIRE_LINK_INTERVAL_MS',
  enquireLinkTimeoutMs: 'BYO_ENQUIRE_LINK_TIMEOUT_MS', responseTimeoutMs: 'BYO_RESPONSE_TIMEOUT_MS',
  unbindTimeoutMs: 'BYO_UNBIND_TIMEOUT_MS', backoffInitialMs: 'BYO_BACKOFF_INITIAL_MS', backoffMaxMs: 'BYO_BACKOFF_MAX_MS',
  authBackoffInitialMs: 'BYO_AUTH_BACKOFF_INITIAL_MS', authBackoffMaxMs: 'BYO_AUTH_BACKOFF_MAX_MS',
  deactivateTimeoutMs: 'BYO_DEACTIVATE_TIMEOUT_MS', ownerRenewMs: 'BYO_OWNER_RENEW_MS', ownerClaimTtlMs: 'BYO_OWNER_CLAIM_TTL_MS', deleteWaitMs: 'BYO_DELETE_WAIT_MS',
  jetStreamAckTimeoutMs: 'BYO_JETSTREAM_ACK_TIMEOUT_MS', mtPullExpiresMs: 'BYO_MT_PULL_EXPIRES_MS', streamFetchExpiresMs: 'BYO_STREAM_FETCH_EXPIRES_MS', mtPullLostGraceMs: 'BYO_MT_PULL_LOST_GRACE_MS', mtParkedCheckMs: 'BYO_MT_PARKED_CHECK_MS', actorTimerGridMs: 'BYO_ACTOR_TIMER_GRID_MS', moReassemblyTimeoutMs: 'BYO_MO_REASSEMBLY_TIMEOUT_MS',
  subscriberIdleMs: 'BYO_SUBSCRIBER_IDLE_MS', unroutableSweepMs: 'BYO_UNROUTABLE_SWEEP_MS',
  optOutConfirmIntervalMs: 'BYO_OPT_OUT_CONFIRM_INTERVAL_MS',
  ownerFenceMs: 'BYO_OWNER_FENCE_MS',
  bindFailureLogIntervalMs: 'BYO_BIND_FAILURE_LOG_INTERVAL_MS',
  consoleSessionTtlMs: 'BYO_CONSOLE_SESSION_TTL_MS', traceLookbackMs: 'BYO_TRACE_LOOKBACK_MS',
  sseHeartbeatMs: 'BYO_SSE_HEARTBEAT_MS', numbersViewWaitMs: 'BYO_NUMBERS_VIEW_WAIT_MS',
  stateSnapshotDebounceMs: 'BYO_STATE_SNAPSHOT_DEBOUNCE_MS',
  eventLoopMonitorResolutionMs: 'BYO_EVENT_LOOP_MONITOR_RESOLUTION_MS',
};
const LIMIT_ENV: Record<keyof Limits, string> = {
  windowSize: 'BYO_WINDOW_SIZE', trackingTtlMs: 'BYO_TRACKING_TTL_MS', requeueDelayMs: 'BYO_REQUEUE_DELAY_MS',
  throttleBackoffMs: 'BYO_THROTTLE_BACKOFF_MS', maxPduLength: 'BYO_MAX_PDU_LENGTH',
  throttleBackoffMaxMs: 'BYO_THROTTLE_BACKOFF_MAX_MS', mtAckWaitMs: 'BYO_MT_ACK_WAIT_MS',
  maxInFlightMessagesPerIntegration: 'BYO_MAX_IN_FLIGHT_MESSAGES', ownerHandoffsPerRenew: 'BYO_OWNER_HANDOFFS_PER_RENEW', stateSnapshotChunkBytes: 'BYO_STATE_SNAPSHOT_CHUNK_BYTES',
  subscriberHistoryLimit: 'BYO_SUBSCRIBER_HISTORY_LIMIT', receiptHoldMs: 'BYO_RECEIPT_HOLD_MS',
  deliverSmRetryMaxMs: 'BYO_DELIVER_SM_RETRY_MAX_MS', deliverSmRetryDelayMs: 'BYO_DELIVER_SM_RETRY_DELAY_MS', receiptUnmatchedGiveUpMs: 'BYO_RECEIPT_UNMATCHED_GIVE_UP_MS',
  rateLimitOverrideMps: 'BYO_RATE_LIMIT_OVERRIDE_MPS', jetStreamReplicas: 'BYO_JETSTREAM_REPLICAS',
  bindAttemptsPerSecond: 'BYO_BIND_ATTEMPTS_PER_SECOND', actorTimersPerTurn: 'BYO_ACTOR_TIMERS_PER_TURN',
  eventReplayScanMax: 'BYO_EVENT_REPLAY_SCAN_MAX', traceScanMax: 'BYO_TRACE_SCAN_MAX',
};

export interface NatsAuthConfig {
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  /** a .creds file (JWT + NKey seed), as `nsc` writes it */
  credsFile?: string | undefined;
  /** CA bundle to verify the server; with it the connection requires TLS */
  tlsCaFile?: string | undefined;
  /** client certificate and key, for servers that verify clients */
  tlsCertFile?: string | undefined;
  tlsKeyFile?: string | undefined;
}

export interface EngineConfig {
  natsUrl: string | undefined;
  http: { host: string; port: number };
  masterKey: string | undefined;
  /** BYO_MASTER_KEY_PREVIOUS: the key being retired (credentials are re-encrypted from it at start) */
  previousMasterKey: string | undefined;
  /** how the engine authenticates to NATS (docs/configuration.md): file paths, read at connect */
  natsAuth: NatsAuthConfig;
  apiToken: string | undefined;
  instanceId: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  allowPlaintext: boolean;
  extraPorts: number[];
  egressCidrs: string[];
  timers: Timers;
  limits: Limits;
}

const pick = (env: NodeJS.ProcessEnv, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(names).map(([k, e]) => [k, env[e] === '' ? undefined : env[e]]));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEngineConfig(rawEnv: NodeJS.ProcessEnv = process.env): Readonly<EngineConfig> {
  // An empty variable (env files, templates) means unset, as it does for every timer and limit.
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(env);
  const timers = timersSchema.safeParse(pick(env, TIMER_ENV));
  const limits = limitsSchema.safeParse(pick(env, LIMIT_ENV));
  const envName = (names: Record<string, string>) => (i: z.core.$ZodIssue) => `${names[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`;
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...(timers.success ? [] : timers.error.issues.map(envName(TIMER_ENV))),
    ...(limits.success ? [] : limits.error.issues.map(envName(LIMIT_ENV))),
  ];
  if (!parsed.success || !timers.success || !limits.success) throw new ConfigError(`invalid engine settings: ${problems.join('; ')}`);
  if (timers.data.ownerClaimTtlMs < 2 * timers.data.ownerRenewMs) {
    // one missed renewal must not hand the integration to another instance
    throw new ConfigError(`invalid engine settings: BYO_OWNER_CLAIM_TTL_MS (${timers.data.ownerClaimTtlMs}) must be at least twice BYO_OWNER_RENEW_MS (${timers.data.ownerRenewMs})`);
  }
  const ttl = timers.data.ownerClaimTtlMs;
  const ownerFenceMs = timers.data.ownerFenceMs ?? Math.max(ttl - 2_000, Math.floor((ttl * 2) / 3));
  if (ownerFenceMs <= timers.data.ownerRenewMs || ownerFenceMs >= timers.data.ownerClaimTtlMs) {
    // the fence must allow one late renewal, and leave time to close the binds before the claim can lapse
    throw new ConfigError(`invalid engine settings: BYO_OWNER_FENCE_MS (${ownerFenceMs}) must be more than BYO_OWNER_RENEW_MS (${timers.data.ownerRenewMs}) and less than BYO_OWNER_CLAIM_TTL_MS (${timers.data.ownerClaimTtlMs})`);
  }
  const e = parsed.data;
  const [host, port] = e.BYO_HTTP.split(':') as [string, string];
  return Object.freeze({
    natsUrl: e.NATS_URL,
    http: { host, port: Number(port) },
    masterKey: e.BYO_MASTER_KEY,
    previousMasterKey: e.BYO_MASTER_KEY_PREVIOUS,
    natsAuth: {
      user: e.NATS_USER, password: e.NATS_PASSWORD, token: e.NATS_TOKEN, credsFile: e.NATS_CREDS,
      tlsCaFile: e.NATS_TLS_CA, tlsCertFile: e.NATS_TLS_CERT, tlsKeyFile: e.NATS_TLS_KEY,
    },
    apiToken: e.BYO_API_TOKEN,
    instanceId: e.BYO_INSTANCE_ID,
    dataDir: e.BYO_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    allowPlaintext: e.BYO_ALLOW_PLAINTEXT,
    extraPorts: e.BYO_EXTRA_PORTS,
    egressCidrs: e.BYO_EGRESS_CIDRS,
    timers: Object.freeze({ ...timers.data, ownerFenceMs }),
    limits: Object.freeze(limits.data),
  });
}

export const ENV_NAMES = { timers: TIMER_ENV, limits: LIMIT_ENV } as const;
