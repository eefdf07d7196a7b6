import { describe, expect, it } from 'vitest';
import { advance, advanceAsync, slots, start, value } from './harness.js';
import { TIMERS } from './timers.js';

describe('integration machine (simulated clock)', () => {
  it('activates three staggered binds and becomes active.healthy', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    expect(value(actor)).toEqual({ running: 'activating' });
    expect(log.starts).toEqual([]);
    advance(clock, 0);
    expect(log.starts).toEqual([0]);
    expect(value(actor)).toEqual({ running: { active: 'degraded' } });
    advance(clock, 999);
    expect(log.starts).toEqual([0]);
    advance(clock, 1);
    expect(log.starts).toEqual([0, 1]);
    advance(clock, 1000);
    expect(log.starts).toEqual([0, 1, 2]);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('turns failed when no bind comes up within the 15-minute window, then active when one does', () => {
    let up = false;
    const { actor, clock, log } = start({ connect: () => (up ? 'ok' : 'refused') });
    actor.send({ type: 'integration.activate' });
    advance(clock, 15 * 60_000 - 1);
    expect(value(actor)).toEqual({ running: 'activating' });
    advance(clock, 1);
    expect(value(actor)).toEqual({ running: 'failed' });
    const attemptsSoFar = log.starts.length;
    expect(attemptsSoFar).toBeGreaterThan(3);
    up = true;
    advance(clock, 60_000); // backoff is capped at backoffMaxMs: every bind retries within a minute
    expect(log.starts.length).toBeGreaterThan(attemptsSoFar);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('grows the reconnect backoff exponentially and caps it', () => {
    const { actor, clock, log } = start({ connect: () => 'refused' });
    actor.send({ type: 'integration.activate' });
    const startsOfBind0: number[] = [];
    let t = 0;
    for (let step = 0; step < 20 * 60; step++) {
      const before = log.starts.filter((i) => i === 0).length;
      advance(clock, 1000);
      t += 1000;
      if (log.starts.filter((i) => i === 0).length > before) startsOfBind0.push(t);
    }
    const gaps = startsOfBind0.slice(1).map((s, i) => s - startsOfBind0[i]!);
    // random() = 0.5 → no jitter: 1 s, 2 s, 4 s ... capped at 60 s
    expect(gaps.slice(0, 8)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(Math.max(...gaps)).toBe(60_000);
  });

  it('makes at most 6 bind attempts in the first 30 s with a wrong password (the README\'s promise), and fewer after', () => {
    // random() = 0 is the shortest jitter (-20 %), the worst case for this promise
    const { actor, clock, log } = start({ bindStatus: () => 0x0e }, { random: () => 0 });
    actor.send({ type: 'integration.activate' });
    advance(clock, 30_000);
    const binds = () => log.commands.filter((c) => c.command === 'session.bind');
    const first30 = binds().length;
    expect(first30).toBeLessThanOrEqual(6);
    // every bind tried at least once: the limit is not met by not trying
    expect(new Set(binds().map((c) => c.index))).toEqual(new Set([0, 1, 2]));
    advance(clock, 30_000);
    const next30 = binds().length - first30;
    expect(next30).toBeLessThan(first30);
    expect(actor.getSnapshot().context.binds[0]?.lastError?.kind).toBe('auth');
  });

  it('reconnects a bind whose enquire_link goes unanswered', async () => {
    let answer = true;
    const { actor, clock, log } = start({ answerEnquireLink: (i) => i !== 0 || answer });
    actor.send({ type: 'integration.activate' });
    await advanceAsync(clock, 2000);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
    answer = false;
    await advanceAsync(clock, 28_100); // bind 0 bound at t=100 (first step): the 30 s interval sends enquire_link
    expect(log.commands.filter((c) => c.command === 'enquire_link' && c.index === 0)).toHaveLength(1);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
    await advanceAsync(clock, 9_900);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
    await advanceAsync(clock, 100); // no resp within enquireLinkTimeoutMs
    expect(value(actor)).toEqual({ running: { active: 'degraded' } });
    expect(actor.getSnapshot().context.binds[0]?.lastError?.reason).toBe('enquire_link_resp timeout');
    answer = true;
    await advanceAsync(clock, 1000); // first backoff step
    expect(log.starts.filter((i) => i === 0)).toHaveLength(2);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('pings an answered link once per interval, and stops pinging when the bind leaves bound', async () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    await advanceAsync(clock, 2000);
    const pings = (i: number) => log.commands.filter((c) => c.command === 'enquire_link' && c.index === i).length;
    await advanceAsync(clock, 88_000); // bind 0 bound at t=100 ms: pings at 30.1, 60.1 and 90.1 s
    expect(pings(0)).toBe(2);
    await advanceAsync(clock, 200);
    expect(pings(0)).toBe(3);
    actor.send({ type: 'integration.deactivate' });
    await advanceAsync(clock, 120_000);
    expect(pings(0)).toBe(3);
  });

  it("sends no enquire_link on a bind the SMSC keeps talking on, and pings again 30 s after it stops", async () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    await advanceAsync(clock, 2000);
    const pings = (i: number) => log.commands.filter((c) => c.command === 'enquire_link' && c.index === i).length;
    for (let t = 0; t < 4; t++) {
      log.heard(0); // an enquire_link or a deliver_sm from the SMSC
      await advanceAsync(clock, 20_000);
    }
    expect(pings(0)).toBe(0);
    expect(pings(1)).toBeGreaterThanOrEqual(2);
    await advanceAsync(clock, 9_900);
    expect(pings(0)).toBe(0);
    await advanceAsync(clock, 200); // 30 s after the SMSC's last one
    expect(pings(0)).toBe(1);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('is degraded while one bind of three is down, healthy once it is back', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    log.live.get(1)!({ type: 'smpp.closed', reason: 'ECONNRESET' });
    expect(value(actor)).toEqual({ running: { active: 'degraded' } });
    expect(slots(actor)).toEqual(['bound', 'down', 'bound']);
    advance(clock, 1000);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('unbinds every bind on deactivate and settles inactive; delete ends in deleted', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    actor.send({ type: 'integration.deactivate' });
    expect(log.commands.filter((c) => c.command === 'session.unbind').map((c) => c.index).sort()).toEqual([0, 1, 2]);
    expect(value(actor)).toBe('inactive');
    actor.send({ type: 'integration.delete' });
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('re-binds an active integration on update', () => {
    const { actor, clock, log } = start();
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    actor.send({ type: 'integration.update', bindType: 'transceiver' });
    expect(log.commands.filter((c) => c.command === 'session.unbind')).toHaveLength(3);
    expect(value(actor)).toEqual({ running: 'activating' });
    advance(clock, 2000);
    expect(log.starts).toEqual([0, 1, 2, 0, 1, 2]);
    expect(value(actor)).toEqual({ running: { active: 'healthy' } });
  });

  it('emits a warning when the integration is transmitter-only', () => {
    const { actor } = start({}, { bindType: 'transmitter' });
    const warnings: unknown[] = [];
    actor.on('warning', (w) => warnings.push(w));
    actor.send({ type: 'integration.activate' });
    expect(warnings).toEqual([expect.objectContaining({ code: 'TRANSMITTER_ONLY' })]);
  });

  it('stops a bind whose unbind_resp never comes after its unbind timeout, and settles inactive', () => {
    const { actor, clock, log, errors } = start({ answerUnbind: () => false });
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    actor.send({ type: 'integration.deactivate' });
    expect(log.commands.filter((c) => c.command === 'session.unbind')).toHaveLength(3);
    advance(clock, TIMERS.unbindTimeoutMs - 100);
    expect(value(actor)).toEqual({ running: 'deactivating' });
    expect(log.live.size).toBe(3); // the sessions (sockets) are still open, waiting for unbind_resp
    advance(clock, 100);
    expect(value(actor)).toBe('inactive');
    expect(log.live.size).toBe(0); // every session closed
    expect(errors).toEqual([]);
  });

  it('closes the binds when deactivation times out before the binds give up on unbind_resp', () => {
    // the integration's deactivation timeout is the backstop for a bind that never reports stopped
    const timers = { ...TIMERS, unbindTimeoutMs: 2 * TIMERS.deactivateTimeoutMs };
    const { actor, clock, log, errors } = start({ answerUnbind: () => false }, { timers });
    actor.send({ type: 'integration.activate' });
    advance(clock, 2000);
    actor.send({ type: 'integration.deactivate' });
    advance(clock, TIMERS.deactivateTimeoutMs - 100);
    expect(value(actor)).toEqual({ running: 'deactivating' });
    expect(log.live.size).toBe(3);
    advance(clock, 100);
    expect(value(actor)).toBe('inactive');
    expect(log.live.size).toBe(0);
    expect(errors).toEqual([]);
  });
});
