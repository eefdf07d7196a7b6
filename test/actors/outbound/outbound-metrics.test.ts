import { describe, expect, it } from 'vitest';
import { commandStatusLabel, submitErrorLabel } from '../../../src/actors/outbound/outbound-metrics.js';
import { nextWritable } from '../../../src/domain/round-robin.js';
import type { SmppSession } from '../../../src/adapters/smpp/types.js';

describe('metric labels', () => {
  it('names known command_status values and writes vendor codes as 8-digit hex (bounded label values)', () => {
    expect(commandStatusLabel(0)).toBe('ESME_ROK');
    expect(commandStatusLabel(0x58)).toBe('ESME_RTHROTTLED');
    expect(commandStatusLabel(0x45a)).toBe('0x0000045a');
  });

  it('labels submits that got no response by why', () => {
    expect(['RESPONSE_TIMEOUT', 'SESSION_CLOSED', 'GENERIC_NACK', 'WINDOW_FULL', undefined].map(submitErrorLabel))
      .toEqual(['timeout', 'closed', 'generic_nack', 'not_sent', 'not_sent']);
  });
});

describe('nextWritable (round robin over binds)', () => {
  const s = (writable: boolean) => ({ writable }) as SmppSession;
  it('takes the next writable session after the last one used, skipping missing and blocked ones', () => {
    const sessions = [s(true), undefined, s(false), s(true)];
    expect(nextWritable(sessions, 0)).toEqual({ session: sessions[0], next: 1 });
    expect(nextWritable(sessions, 1)).toEqual({ session: sessions[3], next: 0 });
    expect(nextWritable([undefined, s(false)], 0)).toBeUndefined();
  });
});
