import { describe, expect, it } from 'vitest';
import { bindBackoffMs, classifyBindStatus } from '../../src/machines/bind-policy.js';
import { advance, start } from './harness.js';
import { TIMERS } from './timers.js';

describe('bind policy', () => {
  it.each([
    [0x0e, 'auth'], [0x0f, 'auth'], [0x0d, 'auth'], [0x05, 'auth'], [0x08, 'transient'], [0x58, 'transient'],
  ])('classifies bind_resp status 0x%s as %s', (status, kind) => {
    expect(classifyBindStatus(status)).toBe(kind);
  });

  it('jitters ±20% around the exponential step and never exceeds the cap', () => {
    const p = { attempt: 3, authFailures: 0, auth: false, timers: TIMERS };
    expect(bindBackoffMs({ ...p, random: 0 })).toBe(3200);
    expect(bindBackoffMs({ ...p, random: 0.5 })).toBe(4000);
    expect(bindBackoffMs({ ...p, random: 0.999999 })).toBe(4800);
    expect(bindBackoffMs({ ...p, attempt: 40, random: 1 })).toBe(TIMERS.backoffMaxMs);
    expect(bindBackoffMs({ ...p, auth: true, authFailures: 1, random: 0.5 })).toBe(TIMERS.authBackoffInitialMs);
  });
});

describe('bind machine (simulated clock)', () => {
  it('backs off when the SMSC never answers bind', () => {
    const { actor, clock, log } = start({ bindStatus: () => 'silent' });
    actor.send({ type: 'integration.activate' });
    advance(clock, TIMERS.bindResponseTimeoutMs + 100);
    const bind0 = actor.getSnapshot().context.binds[0];
    expect(bind0?.status).toBe('down');
    expect(bind0?.lastError?.reason).toBe('bind_resp timeout');
    advance(clock, 1000);
    expect(log.starts.filter((i) => i === 0)).toHaveLength(2);
  });

  it('backs off when the connect never completes', () => {
    const { actor, clock } = start({ connect: () => 'silent' });
    actor.send({ type: 'integration.activate' });
    advance(clock, TIMERS.connectTimeoutMs + 100);
    expect(actor.getSnapshot().context.binds[0]?.lastError?.reason).toBe('connect timeout');
  });

  it('rebinds after the SMSC sends unbind, and after an unrecoverable codec error', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    log.live.get(0)!({ type: 'pdu.unbind' });
    expect(actor.getSnapshot().context.binds[0]).toMatchObject({ status: 'down', lastError: { reason: 'SMSC sent unbind' } });
    log.live.get(2)!({ type: 'smpp.codec_error', recoverable: false, message: 'bad command_length' });
    expect(actor.getSnapshot().context.binds[2]?.status).toBe('down');
    advance(clock, 1000);
    expect(actor.getSnapshot().context.binds.map((b) => b.status)).toEqual(['bound', 'bound', 'bound']);
  });

  it('rebinds one bind when the lane asks (bind.rebind after ESME_RINVBNDSTS), and only a bound one', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    const startsOf1 = () => log.starts.filter((i) => i === 1).length;
    expect(startsOf1()).toBe(1);
    actor.send({ type: 'bind.rebind', index: 1, reason: 'SMSC answered ESME_RINVBNDSTS' });
    expect(actor.getSnapshot().context.binds.map((b) => b.status)).toEqual(['bound', 'down', 'bound']);
    expect(actor.getSnapshot().context.binds[1]?.lastError?.reason).toBe('SMSC answered ESME_RINVBNDSTS');
    actor.send({ type: 'bind.rebind', index: 1, reason: 'a second answer from the old session' });
    advance(clock, TIMERS.backoffInitialMs * 1.2 + 100);
    expect(actor.getSnapshot().context.binds.map((b) => b.status)).toEqual(['bound', 'bound', 'bound']);
    expect(startsOf1()).toBe(2);
  });

  it('keeps the bind on a recoverable codec error', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    log.live.get(1)!({ type: 'smpp.codec_error', recoverable: true, message: 'unknown command_id' });
    expect(actor.getSnapshot().context.binds[1]?.status).toBe('bound');
  });

  it('records the refusing command_status and the auth kind', () => {
    const { actor, clock } = start({ bindStatus: (i) => (i === 0 ? 0x05 : 0) });
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    expect(actor.getSnapshot().context.binds[0]?.lastError).toMatchObject({ kind: 'auth', commandStatus: 5 });
  });
});
