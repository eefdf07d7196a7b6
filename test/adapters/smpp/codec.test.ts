// Codec and framing as hex fixtures, named as sentences (cloudhopper style).
import { describe, expect, it } from 'vitest';
import {
  COMMAND_STATUS, FrameReader, FramingError, decodeFrame, decodeMessageIdResp, encodeHeaderOnly, encodeMessageIdResp, encodePdu,
} from '../../../src/adapters/smpp/index.js';
import { PackagePDU } from '../../../src/adapters/smpp/smpp-package.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('decodeFrame', () => {
  const fixtures: Array<[string, string, Record<string, unknown>, string | undefined]> = [
    ['decodesBareHeaderSubmitSmRespWithErrorStatus', '00000010 80000004 00000058 00000007',
      { command: 'submit_sm_resp', command_status: 0x58, sequence_number: 7 }, undefined],
    ['decodesSubmitSmRespWithMessageId', '00000015 80000004 00000000 00000002 6162633100',
      { command: 'submit_sm_resp', command_status: 0, message_id: 'abc1' }, 'abc1'],
    ['decodesBindTransceiverRespWithSystemId', '00000015 80000009 00000000 00000001 534d534300',
      { command: 'bind_transceiver_resp', system_id: 'SMSC' }, 'SMSC'],
    ['decodesBareHeaderBindRespWithInvalidPassword', '00000010 80000009 0000000e 00000001',
      { command: 'bind_transceiver_resp', command_status: COMMAND_STATUS.ESME_RINVPASWD }, undefined],
    ['decodesEnquireLink', '00000010 00000015 00000000 7fffffff', { command: 'enquire_link', sequence_number: 0x7fffffff }, undefined],
  ];
  it.each(fixtures)('%s', (_name, bytes, expected, messageId) => {
    const frame = hex(bytes);
    const r = decodeFrame(frame);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.pdu).toMatchObject(expected);
    expect(decodeMessageIdResp(frame)).toBe(messageId);
  });

  it('decodesBodylessPdusFromTheHeaderAsThePackageWould', () => {
    for (const id of [0x00000015, 0x80000015, 0x00000006, 0x80000006, 0x80000000]) {
      const frame = encodeHeaderOnly(id, id === 0x80000000 ? COMMAND_STATUS.ESME_RINVCMDID : 0, 42);
      const { command_length: _length, ...byPackage } = new PackagePDU(frame);
      expect(decodeFrame(frame)).toEqual({ ok: true, pdu: { ...byPackage } });
    }
  });

  it('refusesUnknownCommandIdWithRinvcmdid', () => {
    const r = decodeFrame(hex('00000010 00000999 00000000 00000005'));
    expect(r).toMatchObject({ ok: false, commandStatus: COMMAND_STATUS.ESME_RINVCMDID, header: { sequenceNumber: 5 } });
  });

  it('refusesDeliverSmWhoseBodyIsShorterThanItsFieldsWithRinvcmdlen', () => {
    // service_type "", TON 1, NPI 1, source_addr "1" with no NUL and nothing after
    const r = decodeFrame(hex('00000014 00000005 00000000 00000009 00010131'));
    expect(r).toMatchObject({ ok: false, commandStatus: COMMAND_STATUS.ESME_RINVCMDLEN, header: { sequenceNumber: 9 } });
  });

  it('decodesBindRespWhoseSystemIdLacksItsNulLeniently', () => {
    // seen from real SMSCs; the package's reader stops at command_length instead of failing
    const r = decodeFrame(hex('00000014 80000009 00000000 00000003 534d5343'));
    expect(r).toMatchObject({ ok: true, pdu: { command: 'bind_transceiver_resp', system_id: 'SMSC' } });
  });
});

describe('encoding', () => {
  it('bindTransceiverBytesCarryInterfaceVersion0x34', () => {
    const bytes = encodePdu('bind_transceiver', 1, {
      system_id: 'acme', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '',
    });
    expect(bytes.toString('hex')).toBe('0000001d000000090000000000000001' + '61636d6500' + '707700' + '00' + '34' + '01' + '01' + '00');
  });

  it('encodesGenericNackEchoingTheSequenceNumber', () => {
    expect(encodeHeaderOnly(0x80000000, COMMAND_STATUS.ESME_RINVCMDID, 0x7fffffff).toString('hex'))
      .toBe('00000010800000000000000' + '37fffffff');
  });

  it('encodesDeliverSmRespWithNullMessageIdAndErrorsAsBareHeader', () => {
    expect(encodeMessageIdResp(0x80000005, 0, 4, '').toString('hex')).toBe('00000011800000050000000000000004' + '00');
    expect(encodeMessageIdResp(0x80000005, 8, 4, undefined).toString('hex')).toBe('00000010800000050000000800000004');
  });
});

describe('FrameReader', () => {
  const enquire = (seq: number) => encodeHeaderOnly(0x15, 0, seq);
  const collect = (reader: FrameReader, ...chunks: Buffer[]) => {
    const frames: number[] = [];
    let err: FramingError | undefined;
    for (const c of chunks) err ??= reader.push(c, (f) => (frames.push(f.readUInt32BE(12)), true));
    return { frames, err };
  };

  it('readsTwoPdusFromOneChunk', () => {
    expect(collect(new FrameReader(1024), Buffer.concat([enquire(1), enquire(2)])).frames).toEqual([1, 2]);
  });

  it('reassemblesAPduSplitAcrossChunksIncludingTheLengthField', () => {
    const both = Buffer.concat([enquire(1), enquire(2)]);
    const r = collect(new FrameReader(1024), both.subarray(0, 2), both.subarray(2, 20), both.subarray(20));
    expect(r).toEqual({ frames: [1, 2], err: undefined });
  });

  it('losesFramingOnCommandLengthBelowTheHeader', () => {
    const r = collect(new FrameReader(1024), hex('0000000c 00000015 00000000'));
    expect(r.err).toBeInstanceOf(FramingError);
    expect(r.err?.message).toContain('command_length 12');
  });

  it('losesFramingOnCommandLengthAboveTheMaximumAndStaysFailed', () => {
    const reader = new FrameReader(1024);
    const r = collect(reader, hex('00100000 00000004'));
    expect(r.err?.message).toContain('command_length 1048576 exceeds the maximum PDU length 1024');
    expect(collect(reader, enquire(3)).frames).toEqual([]);
  });

  it('stopsWhenTheConsumerSaysSo', () => {
    const frames: number[] = [];
    new FrameReader(1024).push(Buffer.concat([enquire(1), enquire(2)]), (f) => (frames.push(f.readUInt32BE(12)), false));
    expect(frames).toEqual([1]);
  });
});
