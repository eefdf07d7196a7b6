// Splits a byte stream into PDUs by command_length. A length outside 16..maxPduLength means framing is lost
// for good (we cannot know where the next PDU starts): the caller must close the connection.
import { HEADER_LENGTH } from './constants.js';

export class FramingError extends Error {
  override name = 'FramingError';
  constructor(readonly commandLength: number, maxPduLength: number) {
    super(commandLength < HEADER_LENGTH
      ? `command_length ${commandLength} is below the 16-octet header: framing lost`
      : `command_length ${commandLength} exceeds the maximum PDU length ${maxPduLength}: framing lost`);
  }
}

export class FrameReader {
  private tail: Buffer | undefined;
  private failed = false;

  constructor(private readonly maxPduLength: number) {}

  /**
   * Feeds socket data; calls onFrame for each complete PDU (a view into the chunk, valid until the callback
   * returns unless copied). onFrame returns false to stop reading (the session closed). Returns a
   * FramingError once framing is lost; after that every call is a no-op.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => boolean): FramingError | undefined {
    if (this.failed) return undefined;
    const buf = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    let offset = 0;
    while (buf.length - offset >= 4) {
      const length = buf.readUInt32BE(offset);
      if (length < HEADER_LENGTH || length > this.maxPduLength) {
        this.failed = true;
        return new FramingError(length, this.maxPduLength);
      }
      if (buf.length - offset < length) break;
      const frame = buf.subarray(offset, offset + length);
      offset += length;
      if (!onFrame(frame)) return undefined;
    }
    if (offset < buf.length) this.tail = buf.subarray(offset);
    return undefined;
  }

  /** octets buffered toward an incomplete PDU */
  get bufferedBytes(): number {
    return this.tail?.length ?? 0;
  }
}
