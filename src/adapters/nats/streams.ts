// Streams and KV buckets the engine needs, created or brought to the wanted config at every start-up.
// Several instances may start at once: creating an identical stream twice succeeds on the server,
// and a lost create race is retried once as an update.
//
// BYO_MT is a work queue: a message is gone once its integration's durable acks it, so the stream
// holds exactly the backlog. nats-server 2.9 accepts several consumers on a work-queue stream as long
// as their filter subjects do not overlap, which is our shape (one durable per `byo.mt.<org>.<int>`);
// a second consumer on the same integration, or a catch-all `byo.mt.>` reader, is refused.
// MT has no age limit: the reference says queued messages wait until the integration is activated.
import {
  DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType,
  type JetStreamManager, type StreamConfig, type StreamInfo,
} from '@nats-io/jetstream';
import type { KV, Kvm } from '@nats-io/kv';
import { BUCKETS, STREAMS, kvStream, subjects } from './subjects.js';

const DAY_MS = 24 * 3600_000;
const nanos = (ms: number) => ms * 1_000_000;

export interface StreamOptions {
  /** 1 on a single server; 3 on a JetStream cluster */
  replicas?: number;
  /** window for `Nats-Msg-Id` de-duplication on BYO_MT */
  duplicateWindowMs?: number;
  statusMaxAgeMs?: number;
  moMaxAgeMs?: number;
  eventsMaxAgeMs?: number;
}

export const STREAM_DEFAULTS = {
  replicas: 1,
  duplicateWindowMs: 2 * 60_000,
  statusMaxAgeMs: 7 * DAY_MS,
  moMaxAgeMs: 7 * DAY_MS,
  eventsMaxAgeMs: 7 * DAY_MS,
} as const satisfies Required<StreamOptions>;

type WantedStream = Pick<StreamConfig, 'name' | 'subjects' | 'retention' | 'storage' | 'max_age' | 'duplicate_window' | 'num_replicas' | 'discard'>;

export function wantedStreams(opts: StreamOptions = {}): WantedStream[] {
  const o = { ...STREAM_DEFAULTS, ...opts };
  // the server refuses a de-duplication window longer than the max age
  const limits = (maxAgeMs: number) => ({ max_age: nanos(maxAgeMs), duplicate_window: nanos(maxAgeMs > 0 ? Math.min(maxAgeMs, o.duplicateWindowMs) : o.duplicateWindowMs) });
  const base = { storage: StorageType.File, num_replicas: o.replicas, discard: DiscardPolicy.Old };
  return [
    { ...base, name: STREAMS.mt, subjects: [subjects.mtAll], retention: RetentionPolicy.Workqueue, ...limits(0) },
    { ...base, name: STREAMS.status, subjects: [subjects.statusAll], retention: RetentionPolicy.Limits, ...limits(o.statusMaxAgeMs) },
    { ...base, name: STREAMS.mo, subjects: [subjects.moAll], retention: RetentionPolicy.Limits, ...limits(o.moMaxAgeMs) },
    { ...base, name: STREAMS.events, subjects: [subjects.eventsAll], retention: RetentionPolicy.Limits, ...limits(o.eventsMaxAgeMs) },
  ];
}

export class StreamSetupError extends Error {
  override name = 'StreamSetupError';
  readonly code = 'STREAM_SETUP_FAILED';
}

/** Creates the four streams or updates them to the wanted config; a no-op when they already match. */
export async function ensureStreams(jsm: JetStreamManager, opts: StreamOptions = {}): Promise<void> {
  for (const want of wantedStreams(opts)) await ensureStream(jsm, want);
}

async function ensureStream(jsm: JetStreamManager, want: WantedStream, retried = false): Promise<void> {
  const info = await streamInfo(jsm, want.name);
  if (!info) {
    try {
      await jsm.streams.add(want);
      return;
    } catch (err) {
      // another instance created it first with a different config: converge through update
      if (!retried && (await streamInfo(jsm, want.name))) return ensureStream(jsm, want, true);
      throw new StreamSetupError(`cannot create stream ${want.name}: ${(err as Error).message}`, { cause: err });
    }
  }
  const have = info.config;
  // The server refuses to change these on a live stream; say what to do instead of failing obscurely.
  for (const field of ['retention', 'storage'] as const) {
    if (have[field] !== want[field]) {
      throw new StreamSetupError(`stream ${want.name} has ${field} "${have[field]}" but "${want[field]}" is required: migrate or delete the stream`);
    }
  }
  if (!differs(have, want)) return;
  try {
    await jsm.streams.update(want.name, { ...have, ...want });
  } catch (err) {
    throw new StreamSetupError(`cannot update stream ${want.name}: ${(err as Error).message}`, { cause: err });
  }
}

function differs(have: StreamConfig, want: WantedStream): boolean {
  return have.max_age !== want.max_age
    || have.duplicate_window !== want.duplicate_window
    || have.num_replicas !== want.num_replicas
    || have.discard !== want.discard
    || [...have.subjects].sort().join(' ') !== [...want.subjects].sort().join(' ');
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  }
}

/** Drops the queued outbound messages of one integration (it was deleted: they can never be sent). */
export async function purgeQueuedMt(jsm: JetStreamManager, org: string, integration: string): Promise<number> {
  const res = await jsm.streams.purge(STREAMS.mt, { filter: subjects.mt(org, integration) });
  return res.purged;
}

export interface BucketOptions {
  /** limits.trackingTtlMs: submit/receipt correlations older than this are dropped */
  trackingTtlMs: number;
  /** instance snapshots vanish this long after their last refresh: refresh well within it */
  stateMaxAgeMs?: number;
  /** an instance's lease lapses this long after its last renewal: renew well within it */
  leasesMaxAgeMs?: number;
  replicas?: number;
}

export const BUCKET_DEFAULTS = {
  stateMaxAgeMs: 60_000,
  leasesMaxAgeMs: 30_000,
  replicas: 1,
} as const;

export type BucketName = keyof typeof BUCKETS;
export type Buckets = Record<BucketName, KV>;

/** history: revisions kept per key; maxAgeMs 0: no expiry. nats-server 2.9 ignores per-key TTL. */
export function wantedBuckets(opts: BucketOptions): Record<BucketName, { history: number; maxAgeMs: number }> {
  const o = { ...BUCKET_DEFAULTS, ...opts };
  return {
    // history 1: a rotated password's old ciphertext must not linger in the bucket
    integrations: { history: 1, maxAgeMs: 0 },
    numbers: { history: 1, maxAgeMs: 0 },
    state: { history: 1, maxAgeMs: o.stateMaxAgeMs },
    tracking: { history: 1, maxAgeMs: o.trackingTtlMs },
    leases: { history: 1, maxAgeMs: o.leasesMaxAgeMs },
    claims: { history: 1, maxAgeMs: 0 },
    // the value carries its own opt-in/opt-out log; older revisions add nothing
    subscribers: { history: 1, maxAgeMs: 0 },
    // a revoked token's hash must not linger
    tokens: { history: 1, maxAgeMs: 0 },
  };
}

/** Creates every bucket in BUCKETS or updates its limits; returns them opened. */
export async function ensureBuckets(kvm: Kvm, opts: BucketOptions): Promise<Buckets> {
  const jsm = await kvm.js.jetstreamManager();
  const replicas = opts.replicas ?? BUCKET_DEFAULTS.replicas;
  const wanted = wantedBuckets(opts);
  const out: Partial<Buckets> = {};
  // Direct get may be answered by any replica, one that has not applied the latest write yet: on a
  // cluster an integration just created was seen "not found" by the next request (number import).
  // Without it, reads go through the stream leader and see every acknowledged write.
  const allowDirect = replicas === 1;
  for (const [key, name] of Object.entries(BUCKETS) as [BucketName, string][]) {
    const w = wanted[key];
    let kv = await kvm.create(name, { history: w.history, ttl: w.maxAgeMs, replicas, storage: StorageType.File, allow_direct: allowDirect });
    // Kvm.create opens an existing bucket as it is: bring its limits to what we want.
    const streamName = kvStream(name);
    const have = (await jsm.streams.info(streamName)).config;
    if (have.max_msgs_per_subject !== w.history || have.max_age !== nanos(w.maxAgeMs) || have.num_replicas !== replicas || (have.allow_direct ?? false) !== allowDirect) {
      // the server refuses a de-duplication window longer than the max age
      const duplicateWindow = w.maxAgeMs > 0 ? Math.min(have.duplicate_window, nanos(w.maxAgeMs)) : have.duplicate_window;
      await jsm.streams.update(streamName, {
        ...have, max_msgs_per_subject: w.history, max_age: nanos(w.maxAgeMs), num_replicas: replicas, duplicate_window: duplicateWindow,
        allow_direct: allowDirect,
      })
        .catch((err: unknown) => {
          throw new StreamSetupError(`cannot update KV bucket ${name}: ${(err as Error).message}`, { cause: err });
        });
      // the handle chose direct or leader reads from the config it opened with
      if ((have.allow_direct ?? false) !== allowDirect) kv = await kvm.open(name);
    }
    out[key] = kv;
  }
  return out as Buckets;
}
