import { describe, expect, it } from 'vitest';
import { readMt } from '../../../src/actors/outbound/read-mt.js';

const msg = (payload: string, opts: { msgId?: string; redelivered?: boolean; seq?: number } = {}) => ({
  json: <T>() => JSON.parse(payload) as T,
  headers: opts.msgId === undefined ? undefined : ({ get: (k: string) => (k === 'Nats-Msg-Id' ? opts.msgId! : '') } as never),
  seq: opts.seq ?? 7,
  info: { redelivered: opts.redelivered ?? false } as never,
});

const good = JSON.stringify({ id: 'm-1', from: '+15550000001', to: '+447700900123', text: 'hi' });

describe('readMt', () => {
  it('reads a valid message published with Nats-Msg-Id = id: no tracking lookup needed', () => {
    expect(readMt(msg(good, { msgId: 'm-1' }))).toEqual({
      ok: true, lookup: false, message: { id: 'm-1', from: '+15550000001', to: '+447700900123', text: 'hi' },
    });
  });

  it('looks up a redelivery, and a message whose JetStream id is not its own id', () => {
    expect(readMt(msg(good, { msgId: 'm-1', redelivered: true }))).toMatchObject({ ok: true, lookup: true });
    expect(readMt(msg(good, { msgId: 'other' }))).toMatchObject({ ok: true, lookup: true });
    expect(readMt(msg(good))).toMatchObject({ ok: true, lookup: true });
  });

  it('uses the JetStream id, else the stream sequence, for a message without a readable id', () => {
    const noId = JSON.stringify({ from: '+15550000001', to: '+447700900123', text: 'hi' });
    expect(readMt(msg(noId, { msgId: 'js-9' }))).toMatchObject({ ok: true, message: { id: 'js-9' } });
    expect(readMt(msg('{not json', { seq: 42 }))).toEqual({
      ok: false, id: 'mt-42', rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID', description: 'payload is not JSON' },
    });
  });

  it('rejects an invalid payload under its own id with the schema problem', () => {
    const r = readMt(msg(JSON.stringify({ id: 'bad-1', from: '+15550000001', to: '+447700900123', text: 5 }), { msgId: 'x' }));
    expect(r).toMatchObject({ ok: false, id: 'bad-1', rejection: { genericErrorCause: 'MESSAGE_DATA_INVALID' } });
    expect(!r.ok && r.rejection.description).toMatch(/text/);
  });
});
