// The state snapshot's views are asked of the actors only when one of them counted a change: an idle
// instance lists the same strings every second without visiting every actor. The supervisor test
// ("writes each integration's view as it is now") checks the same against a real integration actor.
import { describe, expect, it } from 'vitest';
import type { KV } from '@nats-io/kv';
import { CountingMap, StateSnapshot } from '../../src/actors/state-snapshot.js';

interface FakeActor { text: string; viewJson(): string }

function fleet(count: number) {
  const asked: string[] = [];
  const viewChanges = { changes: 0 };
  const actors = new CountingMap<string, FakeActor>(viewChanges);
  const add = (id: string) => actors.set(id, { text: `{"id":"${id}"}`, viewJson() { asked.push(id); return this.text; } });
  for (let i = 0; i < count; i++) add(`a${i}`);
  const snapshot = new StateSnapshot({
    kv: {} as KV, instanceId: 'i', chunkBytes: 1_000, debounceMs: 10, actors: () => actors.values(), viewChanges,
    mayWrite: () => true, onError: () => undefined,
  });
  return { actors, add, asked, viewChanges, snapshot };
}

describe('StateSnapshot', () => {
  it('asks no actor while no change is counted, and every actor after one', () => {
    const f = fleet(3);
    const first = f.snapshot.viewJsons();
    expect(first).toEqual(['{"id":"a0"}', '{"id":"a1"}', '{"id":"a2"}']);
    expect(f.asked).toEqual(['a0', 'a1', 'a2']);
    expect(f.snapshot.viewJsons()).toBe(first);
    expect(f.asked).toHaveLength(3);
    f.actors.get('a1')!.text = '{"id":"a1","state":"bound"}';
    f.viewChanges.changes++; // what the actor does when its view may have changed
    expect(f.snapshot.viewJsons()).toEqual(['{"id":"a0"}', '{"id":"a1","state":"bound"}', '{"id":"a2"}']);
    expect(f.asked).toHaveLength(6);
  });

  it('lists an actor added or removed: the map counts it', () => {
    const f = fleet(2);
    f.snapshot.viewJsons();
    f.add('a2');
    expect(f.snapshot.viewJsons()).toEqual(['{"id":"a0"}', '{"id":"a1"}', '{"id":"a2"}']);
    f.actors.delete('a0');
    expect(f.snapshot.viewJsons()).toEqual(['{"id":"a1"}', '{"id":"a2"}']);
    const before = f.viewChanges.changes;
    f.actors.delete('not-there');
    expect(f.viewChanges.changes).toBe(before);
    f.actors.clear();
    expect(f.snapshot.viewJsons()).toEqual([]);
  });
});
