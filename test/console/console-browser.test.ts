// The web console in a real browser (Debian's chromium, headless, driven by playwright-core) against
// a real engine process, nats-server and fake SMSC: a wrong token is refused, sign-in, an integration
// goes active on the open fleet page, dropped SMSC connections show on the integration page without a
// reload, deactivate from the page, an org token's session sees its org only, the engines above the
// integrations (another one live, then not answering). BYO_CONSOLE_SCREENSHOTS=1 rewrites docs/console-*.png.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Kvm } from '@nats-io/kv';
import { keys } from '../../src/adapters/nats/index.js';
import { startWorld, type World } from '../helpers/e2e-world.js';
import { FAST_TIMERS } from '../helpers/engine-process.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const WAIT_MS = 20_000;
const SCREENSHOTS = process.env.BYO_CONSOLE_SCREENSHOTS === '1';

describe.skipIf(!CHROMIUM && process.env.BYO_BROWSER_REQUIRED !== '1')('web console in headless chromium', () => {
  let world: World;
  let browser: Browser;
  let page: Page;
  let id = '';
  let globexId = '';

  beforeAll(async () => {
    world = await startWorld([
      { credentials: { systemId: 'acme', password: 'secret1' }, autoDlr: { delayMs: 50 } },
      { preset: 'wrongPassword' },
    ], FAST_TIMERS);
    // a second integration whose SMSC refuses the password: its binds show the failure on the fleet view
    const globex = await world.engine.api('POST', '/v1/orgs/globex/integrations', {
      name: 'Globex backup', smscAddress: '127.0.0.1', smscPort: world.smscs[1]!.port, tls: false, bindType: 'transmitter',
    });
    globexId = globex.body.id;
    await world.engine.api('PUT', `/v1/orgs/globex/integrations/${globex.body.id}/credentials`, { systemId: 'globex', password: 'wrong' });
    await world.engine.api('POST', `/v1/orgs/globex/integrations/${globex.body.id}/activate`);
    const created = await world.engine.api('POST', '/v1/orgs/acme/integrations', {
      name: 'Acme vendor', smscAddress: '127.0.0.1', smscPort: world.smscs[0]!.port, tls: false,
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect((await world.engine.api('PUT', `/v1/orgs/acme/integrations/${id}/credentials`, { systemId: 'acme', password: 'secret1' })).status).toBe(200);
    expect((await world.engine.api('POST', `/v1/orgs/acme/integrations/${id}/numbers`, { type: 'local', senderId: '+15551234567' })).status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('refuses a wrong token, and keeps the token out of the URL', async () => {
    await page.goto(`${world.engine.url}/console`);
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    await page.getByTestId('signin-error').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('signin-error').textContent()).toContain('not the API token');
    expect(page.url()).not.toContain('not-the-token');
    const cookies = await page.context().cookies();
    expect(cookies.filter((c) => c.name === 'byo-console')).toEqual([]);
  });

  it('signs in (HttpOnly, SameSite=Strict cookie) and shows the integration go active live on the fleet view', async () => {
    await page.fill('#token', world.engine.token);
    await page.click('button[type=submit]');
    const row = page.locator(`[data-testid=integration-row][data-id="${id}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    expect(page.url()).not.toContain(world.engine.token);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'byo-console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.evaluate(() => ((window as any).__noReload = true));
    expect((await world.engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);
    await row.locator('.badge[data-state=active]').first().waitFor({ timeout: WAIT_MS });
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} [data-testid=bind][data-state=bound]`).length === 3,
      `[data-testid=integration-row][data-id="${id}"]`, { timeout: WAIT_MS });
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    // traffic: last submit and last receipt appear on the row
    for (const [n, text] of ['Your code is 1234', 'A longer message '.repeat(12), 'Emoji 🎉 welcome'].entries()) {
      await world.mt.publish('acme', id, { id: `m-${n}`, from: '+15551234567', to: '+15557654321', text });
    }
    for (const n of [0, 1, 2]) expect((await world.mt.waitFinal('acme', id, `m-${n}`)).final.state).toBe('delivered');
    await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent?.match(/ago/g) ?? []).length >= 2,
      `[data-testid=integration-row][data-id="${id}"]`, { timeout: WAIT_MS });
    await page.waitForFunction(() => /0x0000000e|ESME_RINVPASWD|refused/i.test(document.body.textContent ?? ''), undefined, { timeout: WAIT_MS });
    // the engine serving the page names itself live above the integrations
    const self = page.locator('[data-testid=instances] [data-testid=instance][data-id=e2e]');
    expect(await self.getAttribute('data-live')).toBe('true');
    expect(await self.textContent()).toMatch(/live\s*e2e\s*\(this page\)\s*snapshot 0 ms old/);
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/console-fleet.png' });
  });

  it('shows dropped SMSC connections on the open integration page without a reload, then the rebind', async () => {
    await page.click(`[data-testid=integration-row][data-id="${id}"] a`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=statechart][data-kind=bind][data-current=bound]').length === 3, undefined, { timeout: WAIT_MS });
    await page.locator('[data-testid=statechart][data-kind=integration][data-current=active]').waitFor({ timeout: WAIT_MS });
    // record every bind state the page shows from here on
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as any).__bindStates = seen;
      new MutationObserver(() => document.querySelectorAll('.integration > .binds [data-testid=bind]').forEach((b) => seen.add(b.getAttribute('data-state') ?? '')))
        .observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    const before = world.smscs[0]!.connectionsAccepted;
    world.smscs[0]!.dropAll();
    await world.smscs[0]!.waitFor(() => world.smscs[0]!.connectionsAccepted >= before + 3 && world.smscs[0]!.binds.length >= 6, { timeoutMs: WAIT_MS, what: 'three rebinds' });
    await page.waitForFunction(() => [...(window as any).__bindStates].some((s: string) => s !== 'bound'), undefined, { timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=statechart][data-kind=bind][data-current=bound]').length === 3, undefined, { timeout: WAIT_MS });
    const events = await page.getByTestId('events').textContent();
    expect(events).toMatch(/bind\.(backoff|connecting)/);
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  });

  it('traces a message by id on the integration page: each segment\'s submit_sm_resp with its SMSC id, the receipts, delivered', async () => {
    await page.fill('[aria-label="message id"]', 'm-1');
    await page.click('form.lookup:has([aria-label="message id"]) button');
    const trace = page.getByTestId('trace');
    await trace.waitFor({ timeout: WAIT_MS });
    const text = (await trace.textContent()) ?? '';
    expect(text.match(/submit_sm_resp/g)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('delivered');
    const smscIds = world.smscs[0]!.submits.map((x) => x.messageId).filter(Boolean);
    expect(smscIds.some((sid) => text.includes(String(sid)))).toBe(true);
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/console-integration.png', fullPage: true });
    await page.fill('[aria-label="message id"]', 'no-such-message');
    await page.click('form.lookup:has([aria-label="message id"]) button');
    await page.getByTestId('trace-error').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('trace-error').textContent()).toContain('MESSAGE_NOT_FOUND');
    // a message rejected before any submit has no track: its trace is its status, found in BYO_STATUS
    await world.mt.publish('acme', id, { id: 'm-bad', from: '+15551234567', to: '+15557654321', text: '' });
    expect((await world.mt.waitFinal('acme', id, 'm-bad')).final.state).toBe('rejected');
    const rejected = await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/messages/m-bad`);
    expect(rejected.status).toBe(200);
    expect(rejected.body.timeline).toEqual([expect.objectContaining({ kind: 'status', status: 'rejected', detail: expect.stringContaining('MESSAGE_DATA_INVALID') })]);
  });

  it('deactivates from the page (with the CSRF token): the binds unbind and the state turns inactive', async () => {
    await page.getByTestId('deactivate').click();
    await page.locator('[data-testid=integration-state] .badge[data-state=inactive]').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('desired').textContent()).toBe('inactive');
    const state = await world.engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`);
    expect(state.body.desired).toBe('inactive');
  });

  it('signs in with an org token and sees only that org on the fleet view', async () => {
    const minted = await world.engine.api('POST', '/v1/orgs/acme/tokens', { name: 'console' });
    expect(minted.status).toBe(201);
    const context = await browser.newContext();
    try {
      const orgPage = await context.newPage();
      await orgPage.goto(`${world.engine.url}/console`);
      await orgPage.fill('#token', minted.body.token);
      await orgPage.click('button[type=submit]');
      await orgPage.locator(`[data-testid=integration-row][data-id="${id}"]`).waitFor({ timeout: WAIT_MS });
      expect(await orgPage.getByTestId('session-org').textContent()).toContain('acme');
      expect(await orgPage.locator(`[data-testid=integration-row][data-id="${globexId}"]`).count()).toBe(0);
      expect(await orgPage.locator('[data-testid=integration-row]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  // last: while "ghost" counts as live the engine may hand integrations to it (taken back once it lapses)
  it('shows another engine live while its snapshot is fresh, then not answering, without a reload', async () => {
    await page.goto(`${world.engine.url}/console`);
    await page.getByTestId('instances').waitFor({ timeout: WAIT_MS });
    await page.evaluate(() => ((window as any).__noReload = true));
    const ghost = page.locator('[data-testid=instance][data-id=ghost]');
    const stateKv = await new Kvm(world.mt.js).open('byo_state');
    // an engine that writes its snapshot for a while, then dies: its age grows past the live window
    const beat = setInterval(() => void stateKv.put(keys.instanceState('ghost'), '[]').catch(() => undefined), 500);
    try {
      await stateKv.put(keys.instanceState('ghost'), '[]');
      await page.waitForFunction(() => document.querySelector('[data-testid=instance][data-id=ghost]')?.getAttribute('data-live') === 'true',
        undefined, { timeout: WAIT_MS });
    } finally {
      clearInterval(beat);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=instance][data-id=ghost]')?.getAttribute('data-live') === 'false',
      undefined, { timeout: WAIT_MS });
    expect(await ghost.textContent()).toMatch(/not answering\s*ghost\s*snapshot \d+\.\d s old/);
    expect(await page.locator('[data-testid=instance][data-id=e2e]').getAttribute('data-live')).toBe('true');
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    await stateKv.delete(keys.instanceState('ghost'));
  });
});
