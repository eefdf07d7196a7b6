// A failing bind's reason reaches the log at warn, rate-limited per bind, with the count left out.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { bindFailureLog } from '../../src/actors/bind-failure-log.js';
import type { OperationalEvent } from '../../src/domain/index.js';

function capture() {
  const lines: any[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(String(chunk))); cb(); } }));
  return { logger, lines };
}

const backoff = (bind: number, reason: string, type = 'bind.backoff'): OperationalEvent => ({
  type, actor: { kind: 'bind', id: `acme.i1.bind-${bind}` }, org: 'acme', integration: 'i1', from: 'connecting', to: 'backoff',
  at: new Date(0).toISOString(), detail: { index: bind, reason, failureKind: 'network', attempt: 1, backoffMs: 1000 },
});

describe('bindFailureLog', () => {
  it('logs each bind\'s first failure at warn with its reason, then at most once per interval, counting what it left out', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = bindFailureLog({ logger, intervalMs: 60_000, now: () => new Date(now) });
    log(backoff(0, 'connect ECONNREFUSED 127.0.0.1:2776'));
    log(backoff(1, 'getaddrinfo ENOTFOUND smsc.example'));
    now = 10_000;
    log(backoff(0, 'connect ECONNREFUSED 127.0.0.1:2776'));
    log(backoff(0, 'connect ECONNREFUSED 127.0.0.1:2776'));
    log(backoff(0, 'x', 'bind.bound'));
    expect(lines.map((l) => l.msg)).toEqual(['bind 0 failed: connect ECONNREFUSED 127.0.0.1:2776', 'bind 1 failed: getaddrinfo ENOTFOUND smsc.example']);
    expect(lines[0]).toMatchObject({ level: 40, bind: 0, failureKind: 'network' });
    now = 60_000;
    log(backoff(0, 'bind refused with command_status 0x0000000e'));
    expect(lines.at(-1)).toMatchObject({ level: 40, msg: 'bind 0 failed: bind refused with command_status 0x0000000e', suppressed: 2, suppressedOverMs: 60_000 });
  });
});
