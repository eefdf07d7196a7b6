// One NATS connection per engine process. With NATS_URL unset the engine tries the conventional local
// server and, when nothing answers there, runs its own `nats-server -js` with the store under the data
// dir, so a single binary works on a laptop. Once connected, the client reconnects forever: an engine
// that gives up on NATS is a dead engine, and outbound messages wait safely in JetStream meanwhile.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions, type Status } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { NatsAuthConfig } from '../../config/index.js';
import { startNatsServerChild, type NatsServerChild } from './nats-server-child.js';
import { coalesceWrites } from './write-coalescing.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const DRAIN_TIMEOUT_MS = 5_000;

export interface ConnectNatsOptions {
  /** NATS_URL (comma-separated for a cluster); unset: try `defaultUrl`, then start a local child server */
  url?: string;
  /** BYO_DATA_DIR: the child's JetStream store goes to `<dataDir>/nats` */
  dataDir: string;
  logger: Logger;
  /** overridable so tests can point the fallback at an unused port */
  defaultUrl?: string;
  /** client name shown by the server (monitoring, `nats server report connections`) */
  name?: string;
  connectTimeoutMs?: number;
  reconnectTimeWaitMs?: number;
  serverBinary?: string;
  childReadyTimeoutMs?: number;
  /** NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_TLS_* (docs/configuration.md) */
  auth?: NatsAuthConfig;
}

/** Client options for the configured credentials and TLS; files are read here, their content never logged. */
export async function natsAuthOptions(a: NatsAuthConfig = {}): Promise<Partial<NodeConnectionOptions>> {
  const out: Partial<NodeConnectionOptions> = {};
  if (a.user !== undefined) Object.assign(out, { user: a.user, pass: a.password ?? '' });
  if (a.token !== undefined) out.token = a.token;
  if (a.credsFile !== undefined) {
    const creds = await readFile(a.credsFile).catch((err: unknown) => {
      throw new NatsConnectError(`cannot read NATS_CREDS ${a.credsFile}: ${messageOf(err)}`, { cause: err });
    });
    out.authenticator = credsAuthenticator(new Uint8Array(creds));
  }
  if (a.tlsCaFile !== undefined || a.tlsCertFile !== undefined) {
    out.tls = {
      ...(a.tlsCaFile !== undefined ? { caFile: a.tlsCaFile } : {}),
      ...(a.tlsCertFile !== undefined ? { certFile: a.tlsCertFile } : {}),
      ...(a.tlsKeyFile !== undefined ? { keyFile: a.tlsKeyFile } : {}),
    };
  }
  return out;
}

/** Connection health as events (dotted lowercase, like every other event in the engine). */
export type NatsStatusEvent =
  | { type: 'nats.disconnected'; server: string }
  | { type: 'nats.reconnecting' }
  | { type: 'nats.reconnected'; server: string }
  | { type: 'nats.stale_connection' }
  | { type: 'nats.error'; error: Error }
  | { type: 'nats.closed' };

export type NatsConnectionState = 'connected' | 'reconnecting' | 'closed';

export interface NatsHandle {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  /** version of the server we first connected to, e.g. "2.9.10": gate newer features on it */
  serverVersion: string;
  /** set when this process started its own nats-server */
  localServer: { url: string; pid: number } | undefined;
  /** current health, for /readyz */
  state(): NatsConnectionState;
  /** health changes from now on; each call gets its own stream, ended by breaking out or close() */
  status(): AsyncIterable<NatsStatusEvent>;
  /** drains the connection, then stops the local child if we started one; safe to call twice */
  close(): Promise<void>;
}

export class NatsConnectError extends Error {
  override name = 'NatsConnectError';
  readonly code = 'NATS_CONNECT_FAILED';
}

export async function connectNats(opts: ConnectNatsOptions): Promise<NatsHandle> {
  const log = opts.logger;
  const clientOpts = {
    name: opts.name ?? 'byo-smpp',
    timeout: opts.connectTimeoutMs ?? 5_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 2_000,
    reconnectJitter: 500,
    // a silent dead peer is detected after pingInterval × maxPingOut
    pingInterval: 20_000,
    maxPingOut: 3,
    // nats.js otherwise builds an Error (a stack capture) per request for async stack traces: measured
    // at ~30% of the engine's CPU under load (docs/performance.md). Errors still carry their own stack.
    noAsyncTraces: true,
    ...(await natsAuthOptions(opts.auth)),
  };

  let child: NatsServerChild | undefined;
  let nc: NatsConnection;
  if (opts.url !== undefined) {
    // NATS_URL may list several cluster members, comma-separated
    const servers = opts.url.split(',').map((u) => u.trim()).filter(Boolean);
    nc = await connect({ ...clientOpts, servers }).catch((err: unknown) => {
      throw new NatsConnectError(`cannot connect to NATS at ${opts.url}: ${messageOf(err)}`, { cause: err });
    });
  } else {
    const defaultUrl = opts.defaultUrl ?? DEFAULT_NATS_URL;
    try {
      nc = await connect({ ...clientOpts, servers: defaultUrl });
    } catch (err) {
      // Only "nothing listens there" means "start our own": anything else (auth, TLS, a non-NATS
      // service on the port) is a misconfiguration a child server could not fix.
      if (!isConnectionRefused(err)) {
        throw new NatsConnectError(`cannot connect to NATS at ${defaultUrl}: ${messageOf(err)}`, { cause: err });
      }
      const { hostname, port } = new URL(defaultUrl.replace(/^nats:/, 'http:'));
      const storeDir = join(opts.dataDir, 'nats');
      log.info({ url: defaultUrl, storeDir }, 'no NATS server answered: starting a local nats-server -js');
      child = await startNatsServerChild({
        storeDir,
        host: hostname.replace(/^\[|\]$/g, ''),
        port: Number(port || 4222),
        binary: opts.serverBinary,
        readyTimeoutMs: opts.childReadyTimeoutMs,
        logger: log.child({ component: 'nats-server' }),
      });
      nc = await connect({ ...clientOpts, servers: child.url }).catch(async (err: unknown) => {
        await child?.stop();
        throw new NatsConnectError(`cannot connect to the local nats-server at ${child?.url}: ${messageOf(err)}`, { cause: err });
      });
    }
  }

  if (!coalesceWrites(nc)) log.warn('nats.js has no protocol internals to batch writes with: one socket write per task, as nats.js does');
  let closing = false;
  let state: NatsConnectionState = 'connected';
  if (child) {
    const started = child;
    void started.exited.then((exit) => {
      if (!closing) log.error({ pid: started.pid, ...exit }, 'the local nats-server exited: NATS is unavailable until it is restarted');
    });
  }

  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close().catch(() => undefined);
    await child?.stop();
    throw new NatsConnectError(`JetStream is not available on the NATS server (start nats-server with -js): ${messageOf(err)}`, { cause: err });
  }
  const js = jetstream(nc);
  const kvm = new Kvm(js);
  const serverVersion = nc.info?.version ?? '0.0.0';
  log.info({ serverVersion, localServer: child?.url }, 'connected to NATS');

  // Track health and log it once here, so consumers of status() only decide, never log.
  void (async () => {
    for await (const s of nc.status()) {
      const ev = toStatusEvent(s);
      if (!ev) continue;
      if (ev.type === 'nats.disconnected' || ev.type === 'nats.reconnecting') state = 'reconnecting';
      if (ev.type === 'nats.reconnected') state = 'connected';
      if (ev.type === 'nats.error') log.warn({ err: ev.error }, 'NATS error');
      else if (ev.type !== 'nats.reconnecting') log.info({ ...ev }, ev.type);
    }
  })();
  void nc.closed().then(() => {
    state = 'closed';
  });

  let closed: Promise<void> | undefined;
  return {
    nc,
    js,
    jsm,
    kvm,
    serverVersion,
    localServer: child ? { url: child.url, pid: child.pid } : undefined,
    state: () => state,
    status: () => statusEvents(nc),
    close: () => (closed ??= (async () => {
      closing = true;
      // drain waits for in-flight work, which never ends while disconnected: bound it, then close
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => { timer = setTimeout(resolve, DRAIN_TIMEOUT_MS); });
      if (!nc.isClosed()) {
        await Promise.race([nc.drain().catch((err: unknown) => log.warn({ err }, 'NATS drain failed')), bound]);
      }
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
      await child?.stop();
    })()),
  };
}

async function* statusEvents(nc: NatsConnection): AsyncGenerator<NatsStatusEvent> {
  for await (const s of nc.status()) {
    const ev = toStatusEvent(s);
    if (ev) yield ev;
  }
}

function toStatusEvent(s: Status): NatsStatusEvent | undefined {
  switch (s.type) {
    case 'disconnect': return { type: 'nats.disconnected', server: s.server };
    case 'reconnecting': return { type: 'nats.reconnecting' };
    case 'reconnect': return { type: 'nats.reconnected', server: s.server };
    case 'staleConnection': return { type: 'nats.stale_connection' };
    case 'error': return { type: 'nats.error', error: s.error };
    case 'close': return { type: 'nats.closed' };
    default: return undefined;
  }
}

/** `serverAtLeast("2.9.10", "2.10.0")` → false: gate features newer than Debian's 2.9.10 on this. */
export function serverAtLeast(version: string, min: string): boolean {
  const parse = (v: string) => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [a, b] = [parse(version), parse(min)];
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * Replicas for streams and KV buckets when BYO_JETSTREAM_REPLICAS is unset: 3 when the server we are
 * connected to belongs to a cluster (its INFO names one), else 1. Clusters of 3 or more nodes are the
 * supported shape; a 2-node cluster cannot place R3 and the engine's start-up says so: set the variable.
 */
export function defaultReplicas(handle: Pick<NatsHandle, 'nc'>): number {
  return handle.nc.info?.cluster ? 3 : 1;
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED' || (err instanceof Error && err.message === 'connection refused');
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
