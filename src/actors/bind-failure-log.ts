// Operators expect a gateway to say why a bind is down: each failed bind attempt (its `bind.backoff`
// event: DNS, TLS, refused, timeout, bind refused) is logged at warn with its reason, at most once per
// bind per BYO_BIND_FAILURE_LOG_INTERVAL_MS; the next line says how many failures were left out meanwhile.
import type { Logger } from 'pino';
import type { OperationalEvent } from '../domain/index.js';

export interface BindFailureLogDeps {
  logger: Logger;
  /** at most one warn line per bind per this many ms */
  intervalMs: number;
  now: () => Date;
}

export function bindFailureLog(deps: BindFailureLogDeps): (e: OperationalEvent) => void {
  const perBind = new Map<string, { loggedAt: number; suppressed: number }>();
  return (e) => {
    if (e.type !== 'bind.backoff') return;
    const now = deps.now().getTime();
    const seen = perBind.get(e.actor.id);
    if (seen && now - seen.loggedAt < deps.intervalMs) {
      seen.suppressed++;
      return;
    }
    const d = e.detail;
    const reason = typeof d.reason === 'string' ? d.reason : 'unknown reason';
    deps.logger.warn({
      bind: d.index, failureKind: d.failureKind, commandStatus: d.commandStatus, attempt: d.attempt, backoffMs: d.backoffMs,
      ...(seen?.suppressed ? { suppressed: seen.suppressed, suppressedOverMs: now - seen.loggedAt } : {}),
    }, `bind ${String(d.index)} failed: ${reason}`);
    perBind.set(e.actor.id, { loggedAt: now, suppressed: 0 });
  };
}
