// Master-key rotation at start-up (BYO_MASTER_KEY_PREVIOUS set): re-encrypts in the background so the
// engine serves at once (every actor opens credentials with either key meanwhile), and logs one line
// that says whether the previous key can now be retired. Runbook: docs/reliability.md.
import type { Logger } from 'pino';
import type { IntegrationStore } from './domain/index.js';
import { rotateMasterKey } from './adapters/secrets.js';

export function startKeyRotation(store: IntegrationStore, keys: { current: Buffer; previous: Buffer }, logger: Logger): void {
  void rotateMasterKey(store, keys).then((r) => {
    const done = r.unreadable.length === 0;
    logger.info({ reEncrypted: r.reEncrypted, current: r.current, unreadable: r.unreadable, retirePreviousKey: done },
      done ? 'master key rotation: every credential is under BYO_MASTER_KEY; BYO_MASTER_KEY_PREVIOUS can be removed'
        : 'master key rotation: some credentials open with neither key; keep BYO_MASTER_KEY_PREVIOUS and check them');
  }, (err: unknown) => logger.warn({ err }, 'master key rotation failed; it runs again at the next start'));
}
