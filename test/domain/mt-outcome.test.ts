import { describe, expect, it } from 'vitest';
import { MT_OUTCOME_RETRIABLE, mtSettlement, type MtOutcome } from '../../src/domain/index.js';

const error = { genericErrorCode: 3, genericErrorCause: 'SOURCE_ADDR_INVALID', description: 'from +1 is not an active number' };

describe('MT outcome catalogue', () => {
  it.each<[MtOutcome, ReturnType<typeof mtSettlement>]>([
    [{ kind: 'recorded' }, { action: 'ack' }],
    [{ kind: 'replayed' }, { action: 'ack' }],
    [{ kind: 'rejected', error }, { action: 'term', reason: 'SOURCE_ADDR_INVALID: from +1 is not an active number' }],
    [{ kind: 'unroutable', error: { ...error, genericErrorCause: 'INTEGRATION_DELETED' } }, { action: 'term', reason: 'INTEGRATION_DELETED: from +1 is not an active number' }],
    [{ kind: 'deferred', reason: 'status not stored', delayMs: 1_000 }, { action: 'nak', delayMs: 1_000 }],
    [{ kind: 'released' }, { action: 'nak', delayMs: 0 }],
    [{ kind: 'inProgress' }, { action: 'working' }],
  ])('%o is settled with %o', (outcome, settlement) => {
    expect(mtSettlement(outcome)).toEqual(settlement);
  });

  it('marks exactly the outcomes JetStream offers again as retriable', () => {
    const retriable = Object.entries(MT_OUTCOME_RETRIABLE).filter(([, r]) => r).map(([k]) => k).sort();
    expect(retriable).toEqual(['deferred', 'inProgress', 'released']);
    for (const [kind, r] of Object.entries(MT_OUTCOME_RETRIABLE)) {
      const action = mtSettlement({ kind, error, reason: '', delayMs: 5 } as MtOutcome).action;
      expect(r ? ['nak', 'working'] : ['ack', 'term']).toContain(action);
    }
  });
});
