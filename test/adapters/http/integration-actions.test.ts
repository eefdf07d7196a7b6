import { afterEach, describe, expect, it } from 'vitest';
import { fakeSecrets, harness, validBody, type Harness } from './http-harness.js';

let h: Harness;
afterEach(async () => { await h?.app.close(); });

const base = '/v1/orgs/acme/integrations';

describe('PUT /v1/orgs/:org/integrations/:id/credentials', () => {
  it('seals the new credentials and bumps configRevision', async () => {
    h = harness();
    const { credentials: _c, ...body } = validBody();
    const id = await h.create('acme', body);
    const res = await h.call({ method: 'PUT', url: `${base}/${id}/credentials`, payload: { systemId: 'sys', password: 'pw123456' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ credentials: { systemId: 'sys', passwordSet: true }, configRevision: 2 });
    expect(res.body).not.toContain('pw123456');
    expect(fakeSecrets.unseal((await h.store.get('acme', id))!.credentials!)).toEqual({ systemId: 'sys', password: 'pw123456', aad: `acme.${id}` });
  });

  it.each([
    [{ systemId: 'x'.repeat(16), password: 'pw' }, /systemId must be at most 15/],
    [{ systemId: 'sys', password: '123456789' }, /password must be at most 8/],
    [{ systemId: 'sys' }, /password/],
    [{ systemId: 'sys', password: 'pw', extra: 1 }, /unknown field.*extra/],
  ])('rejects %j and leaves the store unchanged', async (payload, message) => {
    h = harness();
    const id = await h.create();
    const before = h.store.dump();
    const res = await h.call({ method: 'PUT', url: `${base}/${id}/credentials`, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect(h.store.dump()).toBe(before);
  });
});

describe('POST .../activate and .../deactivate', () => {
  it('sets the desired state', async () => {
    h = harness();
    const id = await h.create();
    const on = await h.call({ method: 'POST', url: `${base}/${id}/activate` });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ id, desired: 'active', configRevision: 1 });
    expect((await h.store.get('acme', id))?.desired).toBe('active');
    // with an empty JSON body too: clients often send the header regardless
    const off = await h.call({ method: 'POST', url: `${base}/${id}/deactivate`, headers: { 'content-type': 'application/json' }, payload: '' });
    expect(off.statusCode).toBe(200);
    expect((await h.store.get('acme', id))?.desired).toBe('inactive');
  });

  it('refuses to activate without credentials: 409 CREDENTIALS_MISSING, store unchanged', async () => {
    h = harness();
    const { credentials: _c, ...body } = validBody();
    const id = await h.create('acme', body);
    const before = h.store.dump();
    const res = await h.call({ method: 'POST', url: `${base}/${id}/activate` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CREDENTIALS_MISSING');
    expect(res.json().error.message).toMatch(/no credentials: PUT \/v1\/orgs\/acme\/integrations\/.+\/credentials/);
    expect(h.store.dump()).toBe(before);
  });

  it('answers 404 for an unknown integration', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: `${base}/ghost/activate` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/ghost/);
  });
});
