// Versions before the per-instance lease (ownership.ts) renewed one claim per integration in KV
// `byo_owners`, lapsing with that bucket's max age. An instance of this version must not run beside
// one of those (each would take integrations the other runs, so an SMSC would see two sets of binds):
// before claiming anything it waits until no claim is left there (an older instance's claims lapse
// within its BYO_OWNER_CLAIM_TTL_MS of its stop), then deletes the old bucket. A rolling upgrade
// therefore moves integrations once every older instance is stopped, not before.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { kvStream, LEGACY_BUCKETS } from '../adapters/nats/index.js';

export const LEGACY_OWNERS_STREAM = kvStream(LEGACY_BUCKETS.owners);

/** Resolves when no older instance holds a claim; `pollMs` between looks, a warning every `warnEveryMs`. */
export async function waitForOlderInstances(jsm: JetStreamManager, logger: Logger, pollMs: number, warnEveryMs = 10_000): Promise<void> {
  let warnedAt = -Infinity;
  for (;;) {
    const info = await jsm.streams.info(LEGACY_OWNERS_STREAM).catch(() => undefined);
    if (info === undefined) return; // never there, or already removed
    if (info.state.messages === 0) {
      await jsm.streams.delete(LEGACY_OWNERS_STREAM).catch(() => undefined);
      logger.info('no older engine instance holds an ownership claim: removed the old claims bucket byo_owners');
      return;
    }
    if (Date.now() - warnedAt >= warnEveryMs) {
      warnedAt = Date.now();
      logger.warn({ claims: info.state.messages },
        'an older engine version holds ownership claims in byo_owners: this instance takes no integration until every older instance is stopped');
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
