// segmentMessage's long-message modes (advanced config longMessage), byte for byte.
import { describe, expect, it } from 'vitest';
import { segmentMessage, SM_TLV, type LongMessageMode, type SegmentedMessage } from '../../src/domain/segments.js';

function split(text: string, longMessage: LongMessageMode, charset: 'gsm_0338' | 'utf-16be' = 'gsm_0338', reference = 0x1234): SegmentedMessage {
  const r = segmentMessage(text, { charset, dcs: charset === 'gsm_0338' ? 0 : 8 }, { reference, longMessage });
  if (!r.ok) throw new Error(r.message);
  return r;
}
const hex = (b: Buffer | undefined) => b?.toString('hex');

describe('long-message modes', () => {
  it('udh8: IEI 00, 8-bit reference, 153 septets per part', () => {
    const r = split('a'.repeat(200), 'udh8');
    expect(r.segments.map((s) => s.length)).toEqual([6 + 153, 6 + 47]);
    expect(hex(r.segments[0]?.subarray(0, 6))).toBe('050003340201');
    expect(hex(r.segments[1]?.subarray(0, 6))).toBe('050003340202');
    expect(r.esmClass).toBe(0x40);
    expect(r.tlvs).toBeUndefined();
  });

  it('udh16: IEI 08, 16-bit reference, 152 septets (133 UCS2 octets) per part', () => {
    const r = split('a'.repeat(200), 'udh16');
    expect(r.segments.map((s) => s.length)).toEqual([7 + 152, 7 + 48]);
    expect(hex(r.segments[0]?.subarray(0, 7))).toBe('06080412340201');
    expect(hex(r.segments[1]?.subarray(0, 7))).toBe('06080412340202');
    expect(r.esmClass).toBe(0x40);
    const u = split('й'.repeat(80), 'udh16', 'utf-16be');
    expect(u.segments.map((s) => s.length)).toEqual([7 + 132, 7 + 28]); // 133 rounded down to whole UCS2 units
  });

  it('sar: no UDH, SAR TLVs on every part, parts keep the udh8 sizes', () => {
    const r = split('a'.repeat(200), 'sar');
    expect(r.esmClass).toBe(0);
    expect(r.segments.map((s) => s.length)).toEqual([153, 47]);
    expect(r.tlvs).toEqual([
      [{ tag: SM_TLV.sar_msg_ref_num, value: Buffer.from([0x12, 0x34]) }, { tag: SM_TLV.sar_total_segments, value: Buffer.from([2]) }, { tag: SM_TLV.sar_segment_seqnum, value: Buffer.from([1]) }],
      [{ tag: SM_TLV.sar_msg_ref_num, value: Buffer.from([0x12, 0x34]) }, { tag: SM_TLV.sar_total_segments, value: Buffer.from([2]) }, { tag: SM_TLV.sar_segment_seqnum, value: Buffer.from([2]) }],
    ]);
  });

  it('payload: one PDU, empty short_message, the whole text in message_payload', () => {
    const text = 'b'.repeat(400);
    const r = split(text, 'payload');
    expect(r.segments).toEqual([Buffer.alloc(0)]);
    expect(r.esmClass).toBe(0);
    expect(r.tlvs).toEqual([[{ tag: SM_TLV.message_payload, value: Buffer.from(text, 'latin1') }]]);
    expect(r.units).toBe(400);
  });

  it.each(['udh8', 'udh16', 'sar', 'payload'] as const)('%s: a text that fits one part goes as one plain part', (mode) => {
    const r = split('a'.repeat(160), mode);
    expect(r).toMatchObject({ esmClass: 0, segments: [Buffer.from('a'.repeat(160), 'latin1')] });
    expect(r.tlvs).toBeUndefined();
  });

  it('payload still refuses a text of more than 255 parts', () => {
    expect(segmentMessage('a'.repeat(153 * 255 + 1), { charset: 'gsm_0338', dcs: 0 }, { reference: 1, longMessage: 'payload' })).toMatchObject({ ok: false, code: 'TOO_MANY_SEGMENTS' });
  });
});
