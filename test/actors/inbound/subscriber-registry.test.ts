// SubscriberRegistry against a real nats-server KV: state transitions, events only on change, the
// history bound, and a second instance learning an opt-out through its watch.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { SubscriberRegistry } from '../../../src/actors/inbound/subscriber-registry.js';
import type { OperationalEvent } from '../../../src/domain/operational-event.js';
import { useNatsServer } from '../../helpers/nats-fixture.js';
import { eventually } from '../../helpers/engine-process.js';

const logger = pino({ level: 'silent' });
let kv: KV;
useNatsServer(async ({ nc }) => {
  kv = await new Kvm(jetstream(nc)).create('subscribers_test', { history: 1 });
});
const registries: SubscriberRegistry[] = [];
afterAll(() => registries.forEach((r) => r.stop()));

async function registry(events: OperationalEvent[] = [], historyLimit = 3): Promise<SubscriberRegistry> {
  const r = new SubscriberRegistry({ kv, sink: (e) => events.push(e), logger, now: () => new Date('2026-11-26T00:00:00Z'), idleMs: 50, historyLimit, optOutConfirmIntervalMs: 86_400_000 });
  await r.start();
  registries.push(r);
  return r;
}

const S = '+15550005000';

describe('SubscriberRegistry', () => {
  it('opts out and back in, publishing an event only when the state changes', async () => {
    const events: OperationalEvent[] = [];
    const r = await registry(events);
    const H = '+447700900001';
    expect(await r.apply('acme', 'i1', S, H, 'help', 'mo-1')).toBe('subscribed');
    expect(await r.apply('acme', 'i1', S, H, 'optOut', 'mo-2')).toBe('optedOut');
    expect(r.isOptedOut(S, H)).toBe(true);
    expect(await r.apply('acme', 'i1', S, H, 'optOut', 'mo-3')).toBe('optedOut');
    expect(await r.apply('acme', 'i1', S, H, 'optIn', 'mo-4')).toBe('subscribed');
    expect(r.isOptedOut(S, H)).toBe(false);
    expect(events.map((e) => `${String(e.from)}→${e.to}`)).toEqual(['null→subscribed', 'subscribed→opted_out', 'opted_out→subscribed']);
    expect(events[1]).toMatchObject({ type: 'subscriber.opted_out', actor: { kind: 'subscriber', id: `${S}:${H}` }, detail: { keyword: 'optOut', moId: 'mo-2' } });
  });

  it('keeps only the last keywords, as configured', async () => {
    const r = await registry([], 3);
    const H = '+447700900002';
    for (const [i, k] of (['help', 'optOut', 'help', 'optIn', 'help'] as const).entries()) await r.apply('acme', 'i1', S, H, k, `mo-${i}`);
    expect((await r.get(S, H))?.history.map((h) => h.moId)).toEqual(['mo-2', 'mo-3', 'mo-4']);
  });

  it('restores the stored state after its actor went idle, and another instance sees the opt-out', async () => {
    const a = await registry();
    const H = '+447700900003';
    await a.apply('acme', 'i1', S, H, 'optOut', 'mo-1');
    expect(a.isLive(S, H)).toBe(true);
    // past idleMs the actor stops: the next keyword starts a new one from the state KV kept
    await eventually(() => !a.isLive(S, H), { what: 'the idle actor stopped', timeoutMs: 5_000 });
    expect(await a.apply('acme', 'i1', S, H, 'help', 'mo-2')).toBe('optedOut');
    expect(a.isLive(S, H)).toBe(true);
    const b = await registry();
    await eventually(() => b.isOptedOut(S, H), { what: 'second instance sees the opt-out' });
    // b opts the handset back in; a's view follows through its watch, and a's next keyword starts from KV
    await b.apply('acme', 'i1', S, H, 'optIn', 'mo-3');
    await eventually(() => !a.isOptedOut(S, H), { what: 'first instance sees the opt-in' });
    expect(await a.apply('acme', 'i1', S, H, 'help', 'mo-4')).toBe('subscribed');
  });
});
