import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, fakeSecrets, harness, validBody, type Harness } from './http-harness.js';

let h: Harness;
afterEach(async () => { await h?.app.close(); });

const base = '/v1/orgs/acme/integrations';

describe('POST /v1/orgs/:org/integrations', () => {
  it('creates an inactive integration with the reference defaults and sealed credentials', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, payload: validBody() });
    expect(res.statusCode).toBe(201);
    const view = res.json();
    expect(view).toMatchObject({
      org: 'acme', name: 'Acme SMSC', notes: 'primary vendor account', smscAddress: 'smsc.example.net',
      smscPort: 2776, messagesPerSecond: 20, bindType: 'transceiver',
      addressTon: 0, addressNpi: 0, destinationTon: 0, destinationNpi: 0,
      inboundPlusPrefix: false, outboundPlusPrefix: false,
      tls: { enabled: true, rejectUnauthorized: true },
      credentials: { systemId: 'acme', passwordSet: true },
      desired: 'inactive', state: 'inactive', binds: [], configRevision: 1,
      createdAt: '2030-01-02T03:04:05.000Z', updatedAt: '2030-01-02T03:04:05.000Z',
    });
    expect(view.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toContain(PASSWORD);

    const stored = await h.store.get('acme', view.id);
    expect(stored).toMatchObject({ version: 1, org: 'acme', id: view.id, desired: 'inactive', configRevision: 1 });
    expect(stored?.config).not.toHaveProperty('credentials');
    expect(fakeSecrets.unseal(stored!.credentials!)).toEqual({ systemId: 'acme', password: PASSWORD, aad: `acme.${view.id}` });
  });

  it('accepts an integration without credentials (they can come later)', async () => {
    h = harness();
    const { credentials: _c, ...body } = validBody();
    const res = await h.call({ method: 'POST', url: base, payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.json().credentials).toBeNull();
    expect((await h.store.get('acme', res.json().id))?.credentials).toBeUndefined();
  });

  const tooLong = 'x'.repeat(16);
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown field', { colour: 'blue' }, /unknown field.*colour/],
    ['port 25, outside the list', { smscPort: 25 }, /smscPort must be one of 1776, 2775, 2776, 3550, 3601, 3775, 4200, 7777, 8887, 10000, 29999/],
    ['addressNpi 2', { addressNpi: 2 }, /addressNpi must be one of 0, 1, 3, 4, 6, 8, 9, 10, 13, 18/],
    ['addressTon 7', { addressTon: 7 }, /addressTon must be from 0 to 6/],
    ['messagesPerSecond 101', { messagesPerSecond: 101 }, /messagesPerSecond must be at most 100/],
    ['bindType "both"', { bindType: 'both' }, /bindType must be one of transceiver, transmitter, receiver/],
    ['plaintext (tls: false) without BYO_ALLOW_PLAINTEXT', { tls: false }, /tls: plaintext SMPP is refused/],
    ['a systemId of 16 characters', { credentials: { systemId: tooLong, password: 'pw' } }, /credentials\.systemId: systemId must be at most 15 characters/],
    ['a password of 9 characters', { credentials: { systemId: 'acme', password: '123456789' } }, /credentials\.password: password must be at most 8 characters/],
    ['a missing smscAddress', { smscAddress: undefined }, /smscAddress/],
    ['an unknown advanced charset', { advanced: { charsets: [{ dcs: 0, charset: 'EBCDIC' }] } }, /advanced\.charsets\.0\.charset: charset must be one of gsm_0338/],
  ];
  it.each(bad)('rejects %s with 400 naming the problem and stores nothing', async (_what, change, message) => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, payload: { ...validBody(), ...change } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toMatch(message);
    expect(body.error.details).toBeInstanceOf(Array);
    expect(h.store.writes).toBe(0);
    expect(res.body).not.toContain(PASSWORD);
  });

  it('accepts plaintext when the engine runs with BYO_ALLOW_PLAINTEXT', async () => {
    h = harness({ allowPlaintext: true });
    const res = await h.call({ method: 'POST', url: base, payload: { ...validBody(), tls: false } });
    expect(res.statusCode).toBe(201);
    expect(res.json().tls).toEqual({ enabled: false, rejectUnauthorized: true });
  });

  it('accepts an operator-approved extra port', async () => {
    h = harness({ extraPorts: [2999] });
    const res = await h.call({ method: 'POST', url: base, payload: { ...validBody(), smscPort: 2999 } });
    expect(res.statusCode).toBe(201);
  });

  it('rejects malformed JSON with INVALID_JSON', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base, headers: { 'content-type': 'application/json' }, payload: '{"name": "x",' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
    expect(h.store.writes).toBe(0);
  });

  it('rejects a body-less create naming the body', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: base });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^\(body\)/);
  });

  it('rejects an org that is not a subject-safe token', async () => {
    h = harness();
    const res = await h.call({ method: 'POST', url: '/v1/orgs/ac.me/integrations', payload: validBody() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^org must be 1-64/) });
    expect(h.store.writes).toBe(0);
  });
});

describe('GET /v1/orgs/:org/integrations[/:id]', () => {
  it('never returns the password or its ciphertext', async () => {
    h = harness();
    const id = await h.create();
    const ciphertext = (await h.store.get('acme', id))!.credentials!.ciphertext;
    for (const url of [base, `${base}/${id}`, `${base}/${id}/state`, '/v1/state']) {
      const res = await h.call({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).not.toContain(PASSWORD);
      expect(res.body).not.toContain(ciphertext);
      expect(res.body).not.toContain('sealed:');
    }
    expect(h.logs.join('\n')).not.toContain(PASSWORD);
  });

  it('lists only the org\'s own integrations, with live state from the engine', async () => {
    h = harness();
    const a = await h.create('acme');
    await h.create('other');
    h.state.set({ org: 'acme', id: a, state: 'active', desired: 'active', since: 'x', binds: [{ index: 0, state: 'bound', since: 'x' }], counters: {}, instance: 'i1' });
    const res = await h.call({ method: 'GET', url: base });
    expect(res.statusCode).toBe(200);
    const { integrations } = res.json();
    expect(integrations).toHaveLength(1);
    expect(integrations[0]).toMatchObject({ id: a, state: 'active', binds: [{ index: 0, state: 'bound' }] });
  });

  it('shows one integration with its numbers when numbersOf is wired', async () => {
    h = harness({ numbersOf: async (org, id) => [{ e164: '+15551234567', org, integration: id }] });
    const id = await h.create();
    const res = await h.call({ method: 'GET', url: `${base}/${id}` });
    expect(res.json()).toMatchObject({ id, state: 'inactive', numbers: [{ e164: '+15551234567' }] });
  });

  it('still serves the config when the state view is unreadable', async () => {
    h = harness();
    const id = await h.create();
    h.state.failWith = new Error('nats down');
    const res = await h.call({ method: 'GET', url: `${base}/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, state: 'unknown', binds: [] });
  });

  it('answers 404 naming an unknown integration, and 400 for an id outside the pattern', async () => {
    h = harness();
    const res = await h.call({ method: 'GET', url: `${base}/nope` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: 'integration nope not found in org acme' });
    const bad = await h.call({ method: 'GET', url: `${base}/${'x'.repeat(65)}` });
    expect(bad.statusCode).toBe(400);
  });

  it('does not show another org\'s integration under this org', async () => {
    h = harness();
    const id = await h.create('other');
    expect((await h.call({ method: 'GET', url: `${base}/${id}` })).statusCode).toBe(404);
  });
});

describe('PATCH /v1/orgs/:org/integrations/:id', () => {
  it('merges into the stored config and bumps configRevision', async () => {
    h = harness();
    const id = await h.create();
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { messagesPerSecond: 50, bindType: 'transmitter' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Acme SMSC', smscAddress: 'smsc.example.net', messagesPerSecond: 50, bindType: 'transmitter', smscPort: 2776, configRevision: 2 });
    const stored = await h.store.get('acme', id);
    expect(stored?.config).toMatchObject({ messagesPerSecond: 50, bindType: 'transmitter', name: 'Acme SMSC' });
    expect(stored?.configRevision).toBe(2);
  });

  it('re-seals credentials given in the PATCH', async () => {
    h = harness();
    const id = await h.create();
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { credentials: { systemId: 'acme2', password: 'newpass' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json().credentials).toEqual({ systemId: 'acme2', passwordSet: true });
    expect(res.body).not.toContain('newpass');
    expect(fakeSecrets.unseal((await h.store.get('acme', id))!.credentials!)).toMatchObject({ systemId: 'acme2', password: 'newpass' });
  });

  it('does not bump the revision (and re-bind) for a PATCH that changes nothing', async () => {
    h = harness();
    const id = await h.create();
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { smscPort: 2776 } });
    expect(res.json().configRevision).toBe(1);
  });

  it.each([
    ['port 25', { smscPort: 25 }, /smscPort must be one of/],
    ['messagesPerSecond 101', { messagesPerSecond: 101 }, /messagesPerSecond must be at most 100/],
    ['tls: false without BYO_ALLOW_PLAINTEXT', { tls: false }, /plaintext SMPP is refused/],
    ['an unknown field', { vendor: 'x' }, /unknown field.*vendor/],
    ['a 9-character password', { credentials: { systemId: 'a', password: '123456789' } }, /password must be at most 8/],
  ])('rejects %s and leaves the store unchanged', async (_what, payload, message) => {
    h = harness();
    const id = await h.create();
    const before = h.store.dump();
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect(h.store.dump()).toBe(before);
  });

  it('validates the merged config, not only the patch', async () => {
    // stored while the operator allowed plaintext; the engine now refuses it
    const lab = harness({ allowPlaintext: true });
    const id = await lab.create('acme', { ...validBody(), tls: false });
    h = harness({ store: lab.store });
    await lab.app.close();
    const before = h.store.dump();
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { name: 'renamed' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/tls: plaintext SMPP is refused/);
    expect(h.store.dump()).toBe(before);
  });

  it('re-applies the patch when another writer got in first (compare-and-set)', async () => {
    h = harness();
    const id = await h.create();
    h.store.beforeCommit = async (org, i, attempt) => {
      if (attempt === 0) await h.store.update(org, i, (r) => ({ ...r, desired: 'active' }));
    };
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { notes: 'changed' } });
    h.store.beforeCommit = undefined;
    expect(res.statusCode).toBe(200);
    expect(await h.store.get('acme', id)).toMatchObject({ desired: 'active', config: { notes: 'changed' }, configRevision: 2 });
  });

  it('answers 409 CONFLICT when the record keeps changing', async () => {
    h = harness();
    const id = await h.create();
    h.store.beforeCommit = async (org, i) => { await h.store.update(org, i, (r) => ({ ...r })); };
    const res = await h.call({ method: 'PATCH', url: `${base}/${id}`, payload: { notes: 'x' } });
    h.store.beforeCommit = undefined;
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONFLICT');
  });
});
