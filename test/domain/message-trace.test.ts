// The message timeline from what the stores keep: segments with SMSC ids, receipts, statuses, in time order.
import { describe, expect, it } from 'vitest';
import { buildMessageTrace, type StatusPayload, type TrackFacts } from '../../src/domain/index.js';

const T0 = '2030-01-02T03:04:05.000Z';
const T1 = '2030-01-02T03:04:05.200Z';
const T2 = '2030-01-02T03:04:09.000Z';
const submitted: StatusPayload = { id: 'm1', state: 'submitted', segments: 2, smscMessageIds: ['a1', 'a2'], at: T1 };

describe('buildMessageTrace', () => {
  it('is undefined when neither a track nor a status is known', () => {
    expect(buildMessageTrace('acme', 'i1', 'm1', undefined, [])).toBeUndefined();
  });

  it('lists submit_sm and submit_sm_resp (SMSC id, command_status 0) per segment, then receipts and statuses in time order', () => {
    const track: TrackFacts = { segments: 2, smscIds: ['a1', 'a2'], seg: ['delivered', 'delivered'], final: 'delivered', submittedAt: T0 };
    const delivered: StatusPayload = { ...submitted, state: 'delivered', at: T2 };
    const t = buildMessageTrace('acme', 'i1', 'm1', track, [submitted, delivered])!;
    expect(t).toMatchObject({ messageId: 'm1', org: 'acme', integration: 'i1' });
    expect(t.timeline.map((e) => [e.kind, e.segment, e.smscMessageId, e.commandStatus, e.status, e.at])).toEqual([
      ['submit_sm', 0, undefined, undefined, undefined, T0],
      ['submit_sm_resp', 0, 'a1', 0, undefined, T0],
      ['submit_sm', 1, undefined, undefined, undefined, T0],
      ['submit_sm_resp', 1, 'a2', 0, undefined, T0],
      ['status', undefined, undefined, undefined, 'submitted', T1],
      ['receipt', 0, 'a1', undefined, 'delivered', T2],
      ['receipt', 1, 'a2', undefined, 'delivered', T2],
      ['status', undefined, undefined, undefined, 'delivered', T2],
    ]);
  });

  it('starts with `received` (when BYO_MT stored it) when the track knows that time', () => {
    const RX = '2030-01-02T03:04:04.900Z';
    const track: TrackFacts = { segments: 1, smscIds: ['a1'], seg: ['submitted'], submittedAt: T0, receivedAt: RX };
    const t = buildMessageTrace('acme', 'i1', 'm1', track, [{ ...submitted, segments: 1, smscMessageIds: ['a1'] }])!;
    expect(t.timeline.map((e) => [e.kind, e.at])).toEqual([['received', RX], ['submit_sm', T0], ['submit_sm_resp', T0], ['status', T1]]);
  });

  it('shows the receipt of a single-segment message (kept in its reference) from the final status; an SME acknowledgement is not final', () => {
    const track: TrackFacts = { segments: 1, smscIds: ['a1'], seg: ['submitted'], submittedAt: T0 };
    const one = { ...submitted, segments: 1, smscMessageIds: ['a1'] };
    const T3 = '2030-01-02T03:04:10.000Z';
    const t = buildMessageTrace('acme', 'i1', 'm1', track, [one, { ...one, state: 'acknowledged', ack: 'delivery', at: T2 }, { ...one, state: 'failed', at: T3 }])!;
    expect(t.timeline.map((e) => [e.kind, e.segment, e.status, e.at])).toEqual([
      ['submit_sm', 0, undefined, T0], ['submit_sm_resp', 0, undefined, T0], ['status', undefined, 'submitted', T1],
      ['status', undefined, 'acknowledged', T2], ['receipt', 0, 'failed', T3], ['status', undefined, 'failed', T3],
    ]);
    expect(t.timeline[3]!.detail).toBe('SME delivery acknowledgement');
  });

  it('shows a receipt that decided nothing yet without a time, and no final status', () => {
    const track: TrackFacts = { segments: 2, smscIds: ['a1', 'a2'], seg: ['delivered', 'submitted'], submittedAt: T0 };
    const t = buildMessageTrace('acme', 'i1', 'm1', track, [submitted])!;
    expect(t.timeline.filter((e) => e.kind === 'receipt')).toEqual([{ at: null, kind: 'receipt', segment: 0, smscMessageId: 'a1', status: 'delivered' }]);
    expect(t.timeline.at(-1)).toMatchObject({ kind: 'receipt' });
  });

  it('shows the refused segment of a message failed at submit with its command_status and cause', () => {
    const error = { genericErrorCode: 4, genericErrorCause: 'INVALID_DESTINATION', protocolCode: '0x0000000b', description: 'Invalid destination' };
    const track: TrackFacts = { segments: 1, smscIds: ['a1'], seg: ['submitted'], final: 'failed', error, submittedAt: T0, failedAtSubmit: true };
    const failed: StatusPayload = { id: 'm1', state: 'failed', segments: 2, smscMessageIds: ['a1'], error, at: T1 };
    const t = buildMessageTrace('acme', 'i1', 'm1', track, [failed])!;
    expect(t.timeline.find((e) => e.kind === 'submit_sm_resp' && e.segment === 1)).toMatchObject({ commandStatus: 11, detail: expect.stringContaining('INVALID_DESTINATION') });
    expect(t.timeline.at(-1)).toMatchObject({ kind: 'status', status: 'failed', detail: expect.stringContaining('0x0000000b') });
  });

  it('shows a rejected message (never submitted, no track) by its status alone', () => {
    const rejected: StatusPayload = {
      id: 'm1', state: 'rejected', segments: 0, smscMessageIds: [], at: T1,
      error: { genericErrorCode: 3, genericErrorCause: 'RECIPIENT_OPTED_OUT', description: 'the recipient opted out' },
    };
    expect(buildMessageTrace('acme', 'i1', 'm1', undefined, [rejected])!.timeline).toEqual([
      { at: T1, kind: 'status', status: 'rejected', detail: 'RECIPIENT_OPTED_OUT: the recipient opted out' },
    ]);
  });
});
