// The SMSC simulator itself (src/simulator): presets, receipts and id formats that other suites and the benchmark rely on.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_STATUS, MESSAGE_STATE, type SmppSession } from '../../src/adapters/smpp/index.js';
import { formatMessageId, startFakeSmsc, type FakeSmsc, type FakeSmscOptions } from '../helpers/fake-smsc.js';
import { BIND, openBound, openSession, sessionOptions, submitSm, type SessionUnderTest } from '../adapters/smpp/session-harness.js';

let smsc: FakeSmsc | undefined;
let session: SmppSession | undefined;
afterEach(async () => {
  session?.close('test over');
  await smsc?.close();
  smsc = undefined;
});

async function bound(opts: FakeSmscOptions): Promise<{ f: FakeSmsc; s: SessionUnderTest }> {
  const f = await startFakeSmsc(opts);
  smsc = f;
  const s = await openBound(sessionOptions(f.port));
  session = s.session;
  return { f, s };
}

const RECEIPT = /^id:(\S+) sub:001 dlvrd:(\d{3}) submit date:\d{10} done date:\d{10} stat:([A-Z]{7}) err:(\d{3}) text:(.*)$/;

describe('message ids', () => {
  it.each([
    ['decimal', /^\d+$/], ['decimalPadded', /^0\d{11}$/], ['hex', /^[0-9a-f]+$/], ['hexPadded', /^[0-9A-F]{10}$/],
    ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
  ] as const)('writes %s ids', (format, pattern) => {
    expect(formatMessageId({ n: 1_000_000_001, uuid: '6f1c1a52-3f0e-4c57-9d7b-2a4f2b8e9c10' }, format)).toMatch(pattern);
  });
});

describe('automatic delivery receipts', () => {
  it('sends a receipt per submit, resp id hex-padded and receipt id decimal like real SMSCs', async () => {
    const { f, s } = await bound({ preset: 'hexRespDecimalReceipt' });
    const resp = await s.session.submit(submitSm('Hello from the test suite, long text'), 2_000);
    const { pdu } = await s.next('pdu.deliver_sm');
    s.session.respondDeliverSm(pdu, 0);
    const [, id, dlvrd, stat, err, text] = RECEIPT.exec(pdu.shortMessage.toString('latin1'))!;
    expect(resp.messageId).toMatch(/^[0-9A-F]{10}$/);
    expect(id).toBe(String(parseInt(resp.messageId!, 16)));
    expect({ dlvrd, stat, err, text }).toEqual({ dlvrd: '001', stat: 'DELIVRD', err: '000', text: 'Hello from the test ' });
    expect(pdu).toMatchObject({
      esmClass: 0x04, sourceAddr: '15557650000', destinationAddr: '15551230000', receiptedMessageId: id, messageState: MESSAGE_STATE.DELIVERED,
    });
    await f.waitFor(() => f.receipts[0]?.respStatus === 0, { what: 'deliver_sm_resp for the receipt' });
  });

  it('reports per-submit outcomes with err codes and network_error_code', async () => {
    const { s } = await bound({ autoDlr: { outcome: (_s, i) => (i === 0 ? 'DELIVRD' : { stat: 'UNDELIV', err: 0x0b }), tlvs: true } });
    await s.session.submit(submitSm('one'), 2_000);
    await s.session.submit(submitSm('two'), 2_000);
    const first = (await s.next('pdu.deliver_sm')).pdu;
    const second = (await s.next('pdu.deliver_sm')).pdu;
    expect(first.shortMessage.toString()).toContain('stat:DELIVRD err:000');
    expect(second.shortMessage.toString()).toContain('dlvrd:000');
    expect(second.shortMessage.toString()).toContain('stat:UNDELIV err:011');
    expect(second).toMatchObject({ messageState: MESSAGE_STATE.UNDELIVERABLE, networkErrorCode: Buffer.from([3, 0, 0x0b]) });
  });

  it('can send the receipt before the submit_sm_resp', async () => {
    const { s } = await bound({ preset: 'dlrBeforeResp' });
    const order: string[] = [];
    const sent = s.session.submit(submitSm(), 2_000).then((r) => order.push(`resp ${r.messageId}`));
    const { pdu } = await s.next('pdu.deliver_sm');
    order.push(`dlr ${pdu.receiptedMessageId}`);
    await sent;
    expect(order).toEqual([`dlr ${pdu.receiptedMessageId}`, `resp ${pdu.receiptedMessageId}`]);
  });

  it('retries a refused receipt by default, and drops it when told (retryRefused: false)', async () => {
    for (const retryRefused of [true, false]) {
      const { f, s } = await bound({ autoDlr: { retryRefused } });
      await s.session.submit(submitSm('refused once'), 2_000);
      const first = (await s.next('pdu.deliver_sm')).pdu;
      s.session.respondDeliverSm(first, COMMAND_STATUS.ESME_RX_T_APPN);
      await f.waitFor(() => f.receipts[0]?.respStatus === COMMAND_STATUS.ESME_RX_T_APPN, { what: 'the refusal' });
      const again = await Promise.race([s.next('pdu.deliver_sm').then((e) => e.pdu), new Promise<undefined>((r) => setTimeout(r, 800))]);
      if (retryRefused) expect(again?.receiptedMessageId).toBe(first.receiptedMessageId);
      else expect(again).toBeUndefined();
      if (again) s.session.respondDeliverSm(again, 0);
      session?.close('next round');
      await f.close();
      smsc = undefined;
    }
  });

  it('sends none when registered_delivery does not ask, and none without TLVs when told', async () => {
    const { f, s } = await bound({ autoDlr: { tlvs: false } });
    await s.session.submit(submitSm('no receipt', { registered_delivery: 0 }), 2_000);
    await s.session.submit(submitSm('receipt'), 2_000);
    const { pdu } = await s.next('pdu.deliver_sm');
    expect(pdu.receiptedMessageId).toBeUndefined();
    expect(f.receipts).toHaveLength(1);
    expect(f.receipts[0]).toMatchObject({ submitIndex: 1, stat: 'DELIVRD' });
  });
});

describe('presets and behaviour', () => {
  it('tells a wrong system_id (0x0F) from a wrong password (0x0E)', async () => {
    const f = await startFakeSmsc({ credentials: { systemId: 'acme', password: 'secret1' } });
    smsc = f;
    for (const [bind, status] of [[{ ...BIND, systemId: 'other' }, 0x0f], [{ ...BIND, password: 'nope' }, 0x0e], [BIND, 0]] as const) {
      const s = openSession(sessionOptions(f.port));
      await s.next('smpp.connected');
      expect((await s.session.bind(bind, 2_000)).command_status).toBe(status);
      s.session.close('next');
    }
  });

  it('throttles every Nth submit', async () => {
    const { s } = await bound({ preset: 'throttle' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await s.session.submit(submitSm(), 2_000)).commandStatus);
    expect(statuses).toEqual([0, COMMAND_STATUS.ESME_RTHROTTLED, 0, COMMAND_STATUS.ESME_RTHROTTLED]);
  });

  it('does not answer enquire_link under noEnquireLinkResponse', async () => {
    const { f, s } = await bound({ preset: 'noEnquireLinkResponse' });
    await expect(s.session.enquireLink(100)).rejects.toMatchObject({ code: 'RESPONSE_TIMEOUT' });
    expect(f.enquireLinksReceived).toBe(1);
  });

  it('refuses submit_sm on a receiver bind with ESME_RINVBNDSTS', async () => {
    const f = await startFakeSmsc({});
    smsc = f;
    const s = await openBound(sessionOptions(f.port), { ...BIND, bindType: 'receiver' });
    session = s.session;
    expect((await s.session.submit(submitSm(), 2_000)).commandStatus).toBe(COMMAND_STATUS.ESME_RINVBNDSTS);
  });

  it('drops every connection on dropAll and counts live connections', async () => {
    const { f, s } = await bound({});
    expect(f.connections).toBe(1);
    f.dropAll();
    await s.next('smpp.closed');
    await f.waitFor(() => f.connections === 0);
    expect(f.connectionsAccepted).toBe(1);
  });

  it('bounds waitFor and says what it waited for', async () => {
    const f = await startFakeSmsc({});
    smsc = f;
    await expect(f.waitFor(() => f.binds.length > 0, { timeoutMs: 50, what: 'a bind' }))
      .rejects.toThrow('SMSC simulator waitFor timed out after 50 ms: a bind');
  });
});
