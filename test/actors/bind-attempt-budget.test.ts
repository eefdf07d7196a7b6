// The bind-attempt budget on a simulated clock (vitest fake timers drive both setTimeout and Date.now).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BindAttemptBudget } from '../../src/actors/bind-attempt-budget.js';
import { RATE_WINDOW_MS, JITTER_MARGIN_MS } from '../../src/domain/rate-limiter.js';

describe('BindAttemptBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads 1,500 bind attempts (500 integrations restarting) at 20 per second: never more than 20 in any second', () => {
    const budget = new BindAttemptBudget(20);
    const grantedAt: number[] = [];
    for (let i = 0; i < 1_500; i++) budget.request(() => grantedAt.push(Date.now()));
    expect(grantedAt).toEqual([0]); // the first at once, no burst behind it
    vi.advanceTimersByTime(10_000);
    expect(grantedAt.length).toBeGreaterThan(150);
    expect(grantedAt.length).toBeLessThanOrEqual(201);
    vi.advanceTimersByTime(80_000);
    expect(grantedAt).toHaveLength(1_500);
    expect(budget.waiting).toBe(0);
    // sliding window over the grant times: at most 20 in any window of a second (plus the jitter margin)
    let head = 0;
    for (let i = 0; i < grantedAt.length; i++) {
      while (grantedAt[head]! <= grantedAt[i]! - (RATE_WINDOW_MS + JITTER_MARGIN_MS)) head++;
      expect(i - head + 1).toBeLessThanOrEqual(20);
    }
    // the last one goes out after ~75 s: spread, not dropped
    expect(grantedAt.at(-1)).toBeGreaterThan(70_000);
  });

  it('grants in arrival order, so a bind that keeps failing cannot starve the others', () => {
    const budget = new BindAttemptBudget(10);
    const order: string[] = [];
    // a failing SMSC's bind asks again right after each turn (the worst case: no backoff at all)
    const failing = () => budget.request(() => {
      order.push('failing');
      failing();
    });
    failing();
    for (const name of ['a', 'b', 'c', 'd']) budget.request(() => order.push(name));
    vi.advanceTimersByTime(1_000);
    // its second request was queued before a-d arrived; its third waits behind all of them
    expect(order.slice(0, 7)).toEqual(['failing', 'failing', 'a', 'b', 'c', 'd', 'failing']);
  });

  it('forgets a withdrawn request (the bind was stopped while it waited)', () => {
    const budget = new BindAttemptBudget(1);
    const granted: string[] = [];
    budget.request(() => granted.push('first'));
    const withdraw = budget.request(() => granted.push('withdrawn'));
    budget.request(() => granted.push('third'));
    expect(budget.waiting).toBe(2);
    withdraw();
    withdraw(); // twice is harmless
    expect(budget.waiting).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(granted).toEqual(['first', 'third']);
  });

  it('stop() clears the queue and the timer', () => {
    const budget = new BindAttemptBudget(1);
    const granted: number[] = [];
    for (let i = 0; i < 3; i++) budget.request(() => granted.push(i));
    budget.stop();
    vi.advanceTimersByTime(10_000);
    expect(granted).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
