// What the session does with what the SMSC sends: deliver_sm octets, malformed PDUs, generic_nack.
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMMAND_ID, COMMAND_STATUS, GenericNackError, TLV_TAG, encodeHeaderOnly, encodePdu, encodeShortMessagePdu, tlv, type SmppSession,
} from '../../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc } from '../../helpers/fake-smsc.js';
import { openBound, sessionOptions, submitSm, type SessionUnderTest } from './session-harness.js';

let smsc: FakeSmsc | undefined;
let session: SmppSession | undefined;
afterEach(async () => {
  session?.close('test over');
  await smsc?.close();
  smsc = undefined;
});

async function bound(opts: Parameters<typeof startFakeSmsc>[0] = {}): Promise<{ f: FakeSmsc; s: SessionUnderTest }> {
  const f = await startFakeSmsc(opts);
  smsc = f;
  const s = await openBound(sessionOptions(f.port));
  session = s.session;
  return { f, s };
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('deliver_sm', () => {
  it.each([
    ['UCS2 octets', 8, 0, Buffer.from([0x04, 0x1f, 0x04, 0x40, 0xd8, 0x3d, 0xde, 0x00])],
    ['GSM octets with 0x1B escapes and @ as 0x00', 0, 0, Buffer.from([0x1b, 0x65, 0x00, 0x1b, 0x28, 0x1b, 0x29])],
    ['a UDH segment, UDH left in the octets', 0, 0x40, Buffer.from([0x05, 0x00, 0x03, 0x11, 0x02, 0x02, 0x48, 0x69])],
  ])('reports %s untouched and sends our deliver_sm_resp status', async (_name, dataCoding, esmClass, octets) => {
    const { f, s } = await bound();
    const resp = f.deliver('any', {
      source_addr_ton: 1, source_addr_npi: 1, source_addr: '15557650000', dest_addr_ton: 1, dest_addr_npi: 1,
      destination_addr: '15551230000', esm_class: esmClass, data_coding: dataCoding, short_message: octets,
    });
    const { pdu } = await s.next('pdu.deliver_sm');
    expect(pdu).toMatchObject({ sourceAddr: '15557650000', destinationAddr: '15551230000', sourceAddrTon: 1, esmClass, dataCoding });
    expect(pdu.shortMessage.toString('hex')).toBe(octets.toString('hex'));
    s.session.respondDeliverSm(pdu, 0);
    expect(await resp).toMatchObject({ commandId: COMMAND_ID.deliver_sm_resp, commandStatus: 0 });
  });

  it('reports receipt TLVs and message_payload, and an error status goes back as is', async () => {
    const { f, s } = await bound();
    const resp = f.deliver('any', {
      esm_class: 4, short_message: Buffer.alloc(0), tlvs: [
        tlv.cstring(TLV_TAG.receipted_message_id, '00AF12'), tlv.u8(TLV_TAG.message_state, 5),
        tlv.octets(TLV_TAG.network_error_code, Buffer.from([3, 0, 1])), tlv.octets(TLV_TAG.message_payload, Buffer.from([0xc3, 0xa9])),
        tlv.u16(TLV_TAG.sar_msg_ref_num, 513), tlv.u8(TLV_TAG.sar_total_segments, 3), tlv.u8(TLV_TAG.sar_segment_seqnum, 2),
      ],
    });
    const { pdu } = await s.next('pdu.deliver_sm');
    expect(pdu).toMatchObject({
      receiptedMessageId: '00AF12', messageState: 5, networkErrorCode: Buffer.from([3, 0, 1]), messagePayload: Buffer.from([0xc3, 0xa9]),
      sarMsgRefNum: 513, sarTotalSegments: 3, sarSegmentSeqnum: 2,
    });
    s.session.respondDeliverSm(pdu, COMMAND_STATUS.ESME_RSYSERR);
    expect(await resp).toMatchObject({ commandStatus: COMMAND_STATUS.ESME_RSYSERR });
  });
});

describe('data_sm from the SMSC', () => {
  it('reports an MO sent as data_sm like a deliver_sm, payload octets intact, and answers data_sm_resp', async () => {
    const { f, s } = await bound();
    const resp = f.deliverDataSm('any', {
      source_addr_ton: 1, source_addr_npi: 1, source_addr: '15557650000', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15551230000',
      data_coding: 8, payload: Buffer.from([0x00, 0x53, 0x00, 0x54, 0x00, 0x4f, 0x00, 0x50]),
    });
    const { pdu } = await s.next('pdu.deliver_sm');
    expect(pdu).toMatchObject({ command: 'data_sm', sourceAddr: '15557650000', destinationAddr: '15551230000', dataCoding: 8, esmClass: 0 });
    expect(pdu.shortMessage.length).toBe(0);
    expect(pdu.messagePayload?.toString('hex')).toBe('00530054004f0050');
    s.session.respondDeliverSm(pdu, 0);
    expect(await resp).toMatchObject({ commandId: COMMAND_ID.data_sm_resp, commandStatus: 0 });
  });

  it('reads a receipt sent as data_sm (esm_class 4, receipt TLVs)', async () => {
    const { f, s } = await bound();
    const resp = f.deliverDataSm('any', {
      esm_class: 4, payload: Buffer.from('id:00AF12 sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000', 'latin1'),
      tlvs: [tlv.cstring(TLV_TAG.receipted_message_id, '00AF12'), tlv.u8(TLV_TAG.message_state, 2)],
    });
    const { pdu } = await s.next('pdu.deliver_sm');
    expect(pdu).toMatchObject({ command: 'data_sm', esmClass: 4, receiptedMessageId: '00AF12', messageState: 2 });
    s.session.respondDeliverSm(pdu, COMMAND_STATUS.ESME_RSYSERR);
    expect(await resp).toMatchObject({ commandId: COMMAND_ID.data_sm_resp, commandStatus: COMMAND_STATUS.ESME_RSYSERR });
  });
});

describe('malformed PDUs', () => {
  it('answersGenericNackForUnknownCommandIdAndKeepsReading', async () => {
    const { f, s } = await bound();
    f.sendRaw(Buffer.concat([hex('00000010 00000999 00000000 0000004d'), encodeHeaderOnly(COMMAND_ID.enquire_link, 0, 78)]));
    expect(await s.next('smpp.codec_error')).toMatchObject({ recoverable: true, commandId: 0x999, message: 'unknown command_id 0x00000999' });
    await s.next('pdu.enquire_link'); // the PDU right behind it was read
    await f.waitFor(() => f.genericNacksReceived.length === 1);
    expect(f.genericNacksReceived[0]).toMatchObject({ commandStatus: COMMAND_STATUS.ESME_RINVCMDID, sequenceNumber: 77 });
    expect((await s.session.submit(submitSm(), 2_000)).commandStatus).toBe(0);
  });

  it('answersGenericNackRinvcmdlenForTruncatedDeliverSmAndKeepsReading', async () => {
    const { f, s } = await bound();
    f.sendRaw(hex('00000014 00000005 00000000 00000009 00010131'));
    expect(await s.next('smpp.codec_error')).toMatchObject({ recoverable: true, commandId: COMMAND_ID.deliver_sm });
    await f.waitFor(() => f.genericNacksReceived.length === 1);
    expect(f.genericNacksReceived[0]).toMatchObject({ commandStatus: COMMAND_STATUS.ESME_RINVCMDLEN, sequenceNumber: 9 });
    expect((await s.session.submit(submitSm(), 2_000)).commandStatus).toBe(0);
    expect(s.events.some((e) => e.type === 'smpp.closed')).toBe(false);
  });

  it('closesWithUnrecoverableCodecErrorOnCommandLengthBelowTheHeader', async () => {
    const { f, s } = await bound();
    const pending = s.session.enquireLink(5_000).catch((e: unknown) => e);
    f.sendRaw(hex('00000008 00000015'));
    expect(await s.next('smpp.codec_error')).toMatchObject({ recoverable: false, message: expect.stringContaining('command_length 8') });
    expect((await s.next('smpp.closed')).reason).toContain('command_length 8');
    expect(await pending).toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('closesWithUnrecoverableCodecErrorOnCommandLengthAboveTheMaximum', async () => {
    const { f, s } = await bound();
    f.sendRaw(hex('7fffffff 00000004 00000000 00000001'));
    expect(await s.next('smpp.codec_error')).toMatchObject({ recoverable: false });
    expect((await s.next('smpp.closed')).reason).toContain('exceeds the maximum PDU length 65536');
  });

  it('ignoresALateResponseAfterItsTimeout', async () => {
    const { f, s } = await bound({ preset: 'noResponseOnSubmit' });
    await expect(s.session.submit(submitSm(), 50)).rejects.toMatchObject({ code: 'RESPONSE_TIMEOUT' });
    f.sendRaw(hex('00000015 80000004 00000000 00000002 6162633100')); // seq 2: the submit (bind was 1)
    expect(await s.session.enquireLink(2_000)).toMatchObject({ command: 'enquire_link_resp' });
  });
});

describe('generic_nack and requests an ESME does not serve', () => {
  it('rejects the matching request with GenericNackError and never answers the nack', async () => {
    const { f, s } = await bound({ preset: 'noResponseOnSubmit' });
    const pending = s.session.submit(submitSm(), 2_000);
    await f.waitFor(() => f.submitCount === 1);
    f.sendRaw(encodeHeaderOnly(COMMAND_ID.generic_nack, COMMAND_STATUS.ESME_RSYSERR, 2));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenericNackError);
    expect(err).toMatchObject({ code: 'GENERIC_NACK', commandStatus: COMMAND_STATUS.ESME_RSYSERR });
    await s.session.enquireLink(2_000);
    expect(f.genericNacksReceived).toEqual([]);
  });

  it('answers a query_sm from the SMSC with query_sm_resp ESME_RINVCMDID', async () => {
    const { f } = await bound();
    const conn = f.connectionList()[0]!;
    const r = await conn.request((seq) => encodePdu('query_sm', seq, { message_id: '1' }), 2_000);
    expect(r.header).toMatchObject({ commandId: 0x80000003, commandStatus: COMMAND_STATUS.ESME_RINVCMDID });
  });

  it('answers a submit_sm from the SMSC with submit_sm_resp ESME_RINVCMDID', async () => {
    const { f } = await bound();
    const r = await f.connectionList()[0]!.request((seq) => encodeShortMessagePdu(COMMAND_ID.submit_sm, seq, { short_message: Buffer.from('x') }), 2_000);
    expect(r.header).toMatchObject({ commandId: COMMAND_ID.submit_sm_resp, commandStatus: COMMAND_STATUS.ESME_RINVCMDID });
  });
});
