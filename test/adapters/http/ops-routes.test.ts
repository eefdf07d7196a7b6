import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './http-harness.js';

let h: Harness;
afterEach(async () => { await h?.app.close(); });

describe('ops routes', () => {
  it('GET /healthz answers ok without a token', async () => {
    h = harness({ isReady: () => false });
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz follows isReady', async () => {
    let ready = false;
    h = harness({ isReady: () => ready });
    const before = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(503);
    expect(before.json().error.code).toBe('NOT_READY');
    ready = true;
    const after = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'ready' });
  });

  it('GET /metrics serves the Prometheus text format without a token', async () => {
    h = harness();
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('byo_up 1');
  });

  it('GET /v1/ipranges lists the egress CIDRs as byo-smpp entities', async () => {
    h = harness();
    const res = await h.call({ method: 'GET', url: '/v1/ipranges' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      entities: [
        { cidr: '203.0.113.0/28', service: 'byo-smpp' },
        { cidr: '198.51.100.7/32', service: 'byo-smpp' },
      ],
    });
  });
});
