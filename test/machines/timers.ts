import type { IntegrationTimers } from '../../src/machines/integration-machine.js';

/** Production defaults (engine-config.ts), so simulated-clock tests exercise the real schedule. */
export const TIMERS: IntegrationTimers = {
  bindWindowMs: 15 * 60_000,
  deactivateTimeoutMs: 10_000,
  bindStaggerMs: 1_000,
  connectTimeoutMs: 10_000,
  bindResponseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  enquireLinkTimeoutMs: 10_000,
  unbindTimeoutMs: 5_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  authBackoffInitialMs: 30_000,
  authBackoffMaxMs: 15 * 60_000,
};
