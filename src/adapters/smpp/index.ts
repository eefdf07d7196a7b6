// Front door of the SMPP adapter: the session and its contract. Codec pieces are exported for the fake
// SMSC in test/helpers and for codec tests; the engine needs only createSmppSession and the types.
export { createSmppSession, SOCKET_HIGH_WATER_MARK } from './session.js';
export * from './types.js';
export { COMMAND_ID, COMMAND_STATUS, MESSAGE_STATE, TLV_TAG, INTERFACE_VERSION_34, RESPONSE_BIT, HEADER_LENGTH } from './constants.js';
export {
  decodeFrame, encodeHeaderOnly, encodeMessageIdResp, decodeMessageIdResp, encodePdu, readHeader, type DecodeResult, type PduHeader,
} from './codec.js';
export {
  encodeShortMessagePdu, decodeShortMessagePdu, findTlv, tlvCString, tlvInt, tlv, MAX_SHORT_MESSAGE_OCTETS,
  type ShortMessageFields, type ShortMessageInput, type ShortMessagePdu, type Tlv,
} from './sm-codec.js';
export { FrameReader, FramingError } from './framing.js';
export { PduDecodeError } from './pdu-reader.js';
export { WriteBatcher } from './write-batcher.js';
export { KeepAlive, type KeepAliveClock, type KeepAliveOptions } from './keep-alive.js';
export { encodeDataSmPdu, type DataSmInput } from './data-sm-codec.js';
