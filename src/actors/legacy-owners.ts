// Versions before the per-instance lease (ownership.ts) renewed one claim per integration in KV
// `byo_owners`, lapsing with that bucket's max age. An instance of this version must not run an
// integration beside one of those (each would take integrations the other runs, so an SMSC would see
// two sets of binds), and older instances do not read `byo_claims`. So while any claim is left in
// `byo_owners`, this instance claims nothing; it serves its API as usual (a rolling upgrade must see it
// ready, or it would never stop the older instances). The older instances keep the integrations among
// themselves meanwhile; once the last one has stopped and its claims lapsed (its
// BYO_OWNER_CLAIM_TTL_MS), the old bucket is deleted and this version takes over.
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { kvStream, LEGACY_BUCKETS } from '../adapters/nats/index.js';

export const LEGACY_OWNERS_STREAM = kvStream(LEGACY_BUCKETS.owners);

export interface OlderInstancesGate {
  /** false while an older instance may still hold an integration */
  readonly clear: boolean;
  /** resolves once clear (or stopped) */
  readonly cleared: Promise<void>;
  /** resolves after the first look (start-up waits for it, so a clear gate is clear from the start) */
  readonly looked: Promise<void>;
  stop(): void;
}

/** Looks at `byo_owners` every `pollMs` until it is empty or absent; a warning every `warnEveryMs` meanwhile. */
export function watchOlderInstances(jsm: JetStreamManager, logger: Logger, pollMs: number, warnEveryMs = 10_000): OlderInstancesGate {
  let clear = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake = () => undefined as void;
  let firstLook = () => undefined as void;
  const looked = new Promise<void>((resolve) => { firstLook = resolve; });
  const cleared = (async () => {
    let warnedAt = -Infinity;
    while (!stopped) {
      const info = await jsm.streams.info(LEGACY_OWNERS_STREAM).catch((err: unknown) => (isNotFound(err) ? null : undefined));
      if (info === null) break; // never there, or already removed
      if (info?.state.messages === 0) {
        await jsm.streams.delete(LEGACY_OWNERS_STREAM).catch(() => undefined);
        logger.info('no older engine instance holds an ownership claim: removed the old claims bucket byo_owners');
        break;
      }
      firstLook();
      if (info && Date.now() - warnedAt >= warnEveryMs) {
        warnedAt = Date.now();
        logger.warn({ claims: info.state.messages },
          'an older engine version holds ownership claims in byo_owners: this instance takes no integration until every older instance is stopped');
      }
      await new Promise<void>((resolve) => { wake = resolve; timer = setTimeout(resolve, pollMs); });
    }
    clear = !stopped;
    firstLook();
  })();
  return {
    get clear() { return clear; },
    cleared,
    looked,
    stop() { stopped = true; clearTimeout(timer); wake(); },
  };
}

/** stream info of a stream that does not exist (anything else, e.g. NATS away: look again later) */
function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
