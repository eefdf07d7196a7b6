// The fleet as the instances' state snapshots in KV `byo_state` show it: who is live, and every
// integration with the instance running it, for GET /v1/state on any instance.
import type { KV, KvEntry } from '@nats-io/kv';
import type { Logger } from 'pino';
import { keys, isLive, listKeys } from '../adapters/nats/index.js';
import { instanceSnapshotSchema, snapshotKeysSchema, type FleetStateView, type InstanceStatusView, type IntegrationStateView } from '../domain/index.js';
import { readSnapshotViews } from './instance-snapshot.js';

/** wall-clock ms (snapshot ages are measured against the server's write timestamps); tests inject one */
export type WallClock = () => number;

interface Snapshot { instance: string; ageMs: number; entry: KvEntry }

/** Every other instance's snapshot still in the bucket (deleted ones, of instances that stopped, are not). */
async function snapshots(stateKv: KV, me: string, now: WallClock): Promise<Snapshot[]> {
  const found: Snapshot[] = [];
  for (const k of await listKeys(stateKv, keys.instanceStatesAll)) {
    const instance = keys.parseInstanceState(k);
    if (!instance || instance === me) continue;
    const entry = await stateKv.get(k).catch(() => null);
    if (entry && isLive(entry)) found.push({ instance, ageMs: Math.max(0, now() - entry.created.getTime()), entry });
  }
  return found;
}

/** What a renewal needs to know of the others: who is live, and which integrations they run. */
export interface LiveFleet {
  /** instances whose snapshot was refreshed within the fresh window, `me` included, sorted */
  instances: string[];
  /** integrations (`keys.integration`) a live instance other than `me` listed in its snapshot */
  runningElsewhere: Set<string>;
}

/** The live instances and what they run, from the same reads as before (a snapshot that fails validation lists nothing). */
export async function liveFleet(stateKv: KV, me: string, freshMs: number, logger: Logger, now: WallClock = Date.now): Promise<LiveFleet> {
  const live = new Set([me]);
  const runningElsewhere = new Set<string>();
  for (const s of await snapshots(stateKv, me, now)) {
    if (s.ageMs >= freshMs) continue;
    live.add(s.instance);
    for (const v of await readSnapshotViews(stateKv, s.instance, s.entry, snapshotKeysSchema, logger) ?? []) runningElsewhere.add(keys.integration(v.org, v.id));
  }
  return { instances: [...live].sort(), runningElsewhere };
}

/** Instances whose snapshot was refreshed within `freshMs`, `me` included, sorted. */
export async function liveInstances(stateKv: KV, me: string, freshMs: number, now: WallClock = Date.now): Promise<string[]> {
  const live = new Set([me]);
  for (const s of await snapshots(stateKv, me, now)) if (s.ageMs < freshMs) live.add(s.instance);
  return [...live].sort();
}

/**
 * `mine` (this instance's live actors) plus the integrations of every other instance whose snapshot was
 * refreshed within `freshMs` (an older one is a dead or cut-off instance's: its integrations are someone
 * else's by now, or about to be: it is named in `instances` as not live instead). During a hand-over two
 * snapshots may list an integration: ours, then the fresher one, wins.
 */
export async function fleetState(
  stateKv: KV, me: string, mine: IntegrationStateView[], freshMs: number, logger: Logger, now: WallClock = Date.now,
): Promise<FleetStateView> {
  const instances: InstanceStatusView[] = [{ id: me, live: true, snapshotAgeMs: 0 }];
  const seen = new Set(mine.map((v) => keys.integration(v.org, v.id)));
  const others: IntegrationStateView[] = [];
  try {
    const all = await snapshots(stateKv, me, now);
    for (const s of all) instances.push({ id: s.instance, live: s.ageMs < freshMs, snapshotAgeMs: s.ageMs });
    for (const s of all.filter((x) => x.ageMs < freshMs).sort((x, y) => x.ageMs - y.ageMs)) {
      // another instance's snapshot, maybe from another engine version: an unknown shape is logged and left out
      for (const v of await readSnapshotViews(stateKv, s.instance, s.entry, instanceSnapshotSchema, logger) ?? []) {
        const key = keys.integration(v.org, v.id);
        if (seen.has(key)) continue;
        seen.add(key);
        others.push(v);
      }
    }
  } catch (err) {
    logger.warn({ err }, 'reading other instances state failed');
  }
  return { instances: instances.sort((a, b) => a.id.localeCompare(b.id)), integrations: [...mine, ...others] };
}

