// Bounds-checked reader over one framed PDU. Every read past command_length is a decode error with the
// status to put in the generic_nack (ESME_RINVCMDLEN: the body is shorter than its fields claim).
import { COMMAND_STATUS } from './constants.js';

export class PduDecodeError extends Error {
  override name = 'PduDecodeError';
  constructor(message: string, readonly commandStatus: number) {
    super(message);
  }
}

export class PduReader {
  constructor(private readonly buf: Buffer, public offset: number) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.buf.length) {
      throw new PduDecodeError(`${what} runs past the end of the PDU at octet ${this.offset}`, COMMAND_STATUS.ESME_RINVCMDLEN);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  /** C-octet string: up to and excluding its NUL; `maxOctets` counts the NUL as the spec does */
  cstring(what: string, maxOctets: number): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) this.need(this.remaining + 1, `${what} (no terminating NUL)`);
    if (end - this.offset + 1 > maxOctets) {
      throw new PduDecodeError(`${what} is longer than ${maxOctets} octets`, COMMAND_STATUS.ESME_RSYSERR);
    }
    const s = this.buf.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return s;
  }

  /** a copy, so the consumer does not pin the socket chunk the frame was sliced from */
  octets(n: number, what: string): Buffer {
    this.need(n, what);
    const out = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }
}
