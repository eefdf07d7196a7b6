// The admin API with the console plugin, over in-memory fakes (test/adapters/http/http-harness.ts).
import { ConsoleSessions } from '../../src/adapters/http/index.js';
import { consolePlugin } from '../../src/console/index.js';
import type { EventStream, MessageTraceSource } from '../../src/domain/index.js';
import { createMemoryNumberStore } from '../helpers/memory-number-store.js';
import { harness, TOKEN, type Harness, type HarnessOptions } from '../adapters/http/http-harness.js';

export const SESSION_TTL_MS = 3_600_000;

export function consoleHarness(opts: HarnessOptions & { clock?: { now: Date } } = {}): Harness & { sessions: ConsoleSessions } {
  const clock = opts.clock ?? { now: new Date('2030-01-02T03:04:05.000Z') };
  const sessions = new ConsoleSessions(TOKEN, SESSION_TTL_MS, () => clock.now);
  const numbers = createMemoryNumberStore();
  const events: EventStream = { subscribe: async () => ({ close: () => undefined }) };
  const traces: MessageTraceSource = { trace: async () => undefined };
  const lazy: { h?: Harness } = {};
  const { plugins = [], clock: _clock, ...rest } = opts;
  const h = harness({
    sessions, events, traces,
    ...rest,
    plugins: [...plugins, consolePlugin({
      apiToken: TOKEN, sessions, numbers, ...(rest.tokens ? { tokens: rest.tokens } : {}), instanceId: 'test', windowSize: 10,
      get store() { return lazy.h!.deps.store; }, get state() { return lazy.h!.state; },
      stats: { activity: () => ({ messagesPerSecond: 0, lastSubmitAt: null, lastReceiptAt: null, failuresLastHour: {} }), queueDepths: async () => new Map() },
    })],
  });
  lazy.h = h;
  return { ...h, sessions };
}
