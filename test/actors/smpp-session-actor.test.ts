// The keep-alive over a real socket: the integration machine with the real session actor against the SMSC
// simulator. Pings go out after a quiet interval, a link whose enquire_link goes unanswered is rebound, and
// a link the SMSC keeps talking on is not pinged.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createActor, waitFor } from 'xstate';
import { integrationDefinition, hostSessions } from '../../src/actors/integration-definition.js';
import type { SessionActorDeps } from '../../src/actors/smpp-session-actor.js';
import { startFakeSmsc, type FakeSmsc } from '../helpers/fake-smsc.js';
import { BIND, sessionOptions, submitSm } from '../adapters/smpp/session-harness.js';
import type { SmppSession } from '../../src/adapters/smpp/index.js';
import { TIMERS } from '../machines/timers.js';

const INTERVAL_MS = 300;
const timers = { ...TIMERS, bindStaggerMs: 10, enquireLinkIntervalMs: INTERVAL_MS, enquireLinkTimeoutMs: 300, backoffInitialMs: 50, backoffMaxMs: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let smsc: FakeSmsc | undefined;
let actor: ReturnType<typeof start> | undefined;
afterEach(async () => {
  actor?.stop();
  await smsc?.close();
  actor = undefined;
  smsc = undefined;
});

function start(port: number, more: Partial<SessionActorDeps> = {}) {
  const deps: SessionActorDeps = {
    params: () => ({ options: sessionOptions(port), bind: BIND }),
    onBound: () => undefined,
    onDeliverSm: (_i, s, pdu) => s.respondDeliverSm(pdu, 0),
    logger: pino({ level: 'silent' }),
    ...more,
  };
  const a = createActor(integrationDefinition(), { input: { org: 'acme', id: 'i1', bindType: 'transceiver', timers, random: () => 0.5 } });
  hostSessions(a.system, deps);
  a.start();
  a.send({ type: 'integration.activate' });
  return a;
}

const healthy = (a: NonNullable<typeof actor>) => waitFor(a, (s) => s.matches({ running: { active: 'healthy' } }), { timeout: 5_000 });

describe('smpp session actor: keep-alive over a real socket', () => {
  it('pings each quiet bind once per interval, and rebinds a bind whose enquire_link goes unanswered', async () => {
    smsc = await startFakeSmsc({});
    actor = start(smsc.port);
    await healthy(actor);
    const before = smsc.enquireLinksReceived;
    await sleep(5 * INTERVAL_MS);
    // 3 binds × ~5 intervals; not more than one per interval and bind
    const pinged = smsc.enquireLinksReceived - before;
    expect(pinged).toBeGreaterThanOrEqual(3 * 3);
    expect(pinged).toBeLessThanOrEqual(3 * 6);
    expect(smsc.binds).toHaveLength(3);

    (smsc.opts as { answerEnquireLink: boolean }).answerEnquireLink = false;
    const lost = await waitFor(actor, (s) => s.context.binds.some((b) => b.lastError !== undefined), { timeout: 5_000 });
    expect(lost.context.binds.find((b) => b.lastError)?.lastError?.reason).toBe('enquire_link_resp timeout');
    (smsc.opts as { answerEnquireLink: boolean }).answerEnquireLink = true;
    await healthy(actor);
    expect(smsc.binds.length).toBeGreaterThan(3); // bound again on a new connection
  });

  it('sends no enquire_link while the SMSC keeps the link busy with its own, and pings once it stops', async () => {
    smsc = await startFakeSmsc({});
    actor = start(smsc.port);
    await healthy(actor);
    await sleep(50);
    const before = smsc.enquireLinksReceived;
    for (let t = 0; t < 12; t++) {
      await smsc.sendEnquireLinkToAll(1_000);
      await sleep(INTERVAL_MS / 3);
    }
    expect(smsc.enquireLinksReceived - before).toBe(0);
    await sleep(3 * INTERVAL_MS);
    expect(smsc.enquireLinksReceived - before).toBeGreaterThanOrEqual(3);
  });

  it("counts its sessions' window changes on the counter it is given (what the state snapshot reads)", async () => {
    smsc = await startFakeSmsc({});
    const windowChanges = { changes: 0 };
    const bound: SmppSession[] = [];
    actor = start(smsc.port, { windowChanges, onBound: (_i, session) => { if (session) bound.push(session); } });
    await healthy(actor);
    const before = windowChanges.changes;
    expect((await bound[0]!.submit(submitSm('counted'), 2_000)).commandStatus).toBe(0);
    expect(windowChanges.changes - before).toBe(2);
  });
});
