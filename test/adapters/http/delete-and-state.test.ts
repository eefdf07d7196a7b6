import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakePurgingEngine, harness, type Harness } from './http-harness.js';

let h: Harness;
let engine: AbortController | undefined;
afterEach(async () => {
  engine?.abort();
  engine = undefined;
  await h?.app.close();
});

const base = '/v1/orgs/acme/integrations';

describe('DELETE /v1/orgs/:org/integrations/:id', () => {
  it('marks the integration deleted and answers 204 once the engine has purged it', async () => {
    h = harness({ deleteWaitMs: 5_000 });
    const id = await h.create();
    engine = fakePurgingEngine(h.store);
    const res = await h.call({ method: 'DELETE', url: `${base}/${id}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await h.store.get('acme', id)).toBeUndefined();
    expect((await h.call({ method: 'GET', url: `${base}/${id}` })).statusCode).toBe(404);
  });

  it('answers 202 deleting when nothing purges within deleteWaitMs, and hides the integration', async () => {
    h = harness({ deleteWaitMs: 120 });
    const id = await h.create();
    const started = performance.now();
    const res = await h.call({ method: 'DELETE', url: `${base}/${id}` });
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ id, org: 'acme', state: 'deleting' });
    expect((await h.store.get('acme', id))?.desired).toBe('deleted');

    // every other route treats it as gone
    const gone = [
      { method: 'GET', url: `${base}/${id}` },
      { method: 'GET', url: `${base}/${id}/state` },
      { method: 'PATCH', url: `${base}/${id}`, payload: { name: 'x' } },
      { method: 'PUT', url: `${base}/${id}/credentials`, payload: { systemId: 'a', password: 'b' } },
      { method: 'POST', url: `${base}/${id}/activate` },
      { method: 'POST', url: `${base}/${id}/deactivate` },
    ] as const;
    const before = h.store.dump();
    for (const req of gone) {
      const r = await h.call(req);
      expect(r.statusCode, `${req.method} ${req.url}`).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
    }
    expect(h.store.dump()).toBe(before);
    expect((await h.call({ method: 'GET', url: base })).json().integrations).toEqual([]);

    // a repeated DELETE waits again; an engine that comes up later finishes the job
    expect((await h.call({ method: 'DELETE', url: `${base}/${id}` })).statusCode).toBe(202);
    engine = fakePurgingEngine(h.store);
    await vi.waitFor(async () => expect(await h.store.get('acme', id)).toBeUndefined(), { timeout: 2_000, interval: 10 });
    expect((await h.call({ method: 'DELETE', url: `${base}/${id}` })).statusCode).toBe(404);
  });

  it('answers 404 for an unknown integration', async () => {
    h = harness();
    const res = await h.call({ method: 'DELETE', url: `${base}/ghost` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: 'integration ghost not found in org acme' });
  });
});

describe('state routes', () => {
  const live = (id: string) => ({
    org: 'acme', id, state: 'active', desired: 'active', since: '2030-01-02T00:00:00.000Z',
    binds: [0, 1, 2].map((index) => ({ index, state: 'bound', since: '2030-01-02T00:00:00.000Z', outstanding: 0 })),
    counters: { submitted: 3 }, instance: 'engine-1',
  });

  it('GET /v1/state lists every integration the engines report', async () => {
    h = harness();
    h.state.set(live('a'));
    const res = await h.call({ method: 'GET', url: '/v1/state' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ integrations: [live('a')], instances: [{ id: 'engine-1', live: true, snapshotAgeMs: 0 }] });
  });

  it('GET /v1/state names the instances that did not answer', async () => {
    h = harness();
    h.state.set(live('a'));
    h.state.instances = [{ id: 'engine-1', live: true, snapshotAgeMs: 0 }, { id: 'engine-2', live: false, snapshotAgeMs: 9_000 }];
    const res = await h.call({ method: 'GET', url: '/v1/state' });
    expect(res.json()).toEqual({ integrations: [live('a')], instances: h.state.instances });
  });

  it('GET .../state returns the engine snapshot', async () => {
    h = harness();
    const id = await h.create();
    h.state.set(live(id));
    const res = await h.call({ method: 'GET', url: `${base}/${id}/state` });
    expect(res.json()).toEqual(live(id));
  });

  it('GET .../state reports inactive with no binds before any engine has reported', async () => {
    h = harness();
    const id = await h.create();
    const res = await h.call({ method: 'GET', url: `${base}/${id}/state` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      org: 'acme', id, state: 'inactive', desired: 'inactive', since: '2030-01-02T03:04:05.000Z',
      binds: [], counters: {}, instance: null,
    });
  });

  it('GET .../state is 404 for an integration that does not exist, even if an engine still reports it', async () => {
    h = harness();
    h.state.set(live('stale'));
    const res = await h.call({ method: 'GET', url: `${base}/stale/state` });
    expect(res.statusCode).toBe(404);
  });
});
