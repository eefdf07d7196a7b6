// The fleet as the instances' state snapshots in KV `byo_state` show it: who is live, and every
// integration with the instance running it, for GET /v1/state on any instance.
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { keys, decodeJson, isLive, listKeys } from '../adapters/nats/index.js';
import { instanceSnapshotSchema, type IntegrationStateView } from '../domain/index.js';

/** Instances whose snapshot was refreshed within `freshMs`, `me` included, sorted. */
export async function liveInstances(stateKv: KV, me: string, freshMs: number): Promise<string[]> {
  const live = new Set([me]);
  for (const k of await listKeys(stateKv, keys.instanceStatesAll)) {
    const entry = await stateKv.get(k).catch(() => null);
    if (entry?.operation === 'PUT' && Date.now() - entry.created.getTime() < freshMs) {
      const instance = keys.parseInstanceState(k);
      if (instance) live.add(instance);
    }
  }
  return [...live].sort();
}

/**
 * `mine` plus the integrations of every other instance whose snapshot was refreshed within `freshMs`
 * (an older one is a dead or cut-off instance's: its integrations are someone else's by now, or about
 * to be). During a hand-over two snapshots may list an integration: ours, then the fresher one, wins.
 */
export async function fleetViews(stateKv: KV, me: string, mine: IntegrationStateView[], freshMs: number, logger: Logger): Promise<IntegrationStateView[]> {
  const seen = new Set(mine.map((v) => keys.integration(v.org, v.id)));
  const others: IntegrationStateView[] = [];
  try {
    const entries = [];
    for (const k of await listKeys(stateKv, keys.instanceStatesAll)) {
      if (k === keys.instanceState(me)) continue;
      const entry = await stateKv.get(k);
      if (isLive(entry) && Date.now() - entry.created.getTime() < freshMs) entries.push(entry);
    }
    for (const entry of entries.sort((x, y) => y.created.getTime() - x.created.getTime())) {
      // another instance's snapshot, maybe from another engine version: an unknown shape is logged and left out
      for (const v of decodeJson(entry, instanceSnapshotSchema, logger) ?? []) {
        const key = keys.integration(v.org, v.id);
        if (seen.has(key)) continue;
        seen.add(key);
        others.push(v);
      }
    }
  } catch (err) {
    logger.warn({ err }, 'reading other instances state failed');
  }
  return [...mine, ...others];
}
