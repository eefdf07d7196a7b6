// Front door of src/domain: pure functions and plain data of the product (charsets, segments, receipts,
// message ids, errors, numbers, keywords, operational events) and the ports actors and adapters share.
export * from './charsets.js';
export * from './command-status.js';
export * from './compliance.js';
export * from './error-map.js';
export * from './event-names.js';
export * from './gsm-0338.js';
export * from './integration-record.js';
export * from './keywords.js';
export * from './message-id.js';
export * from './mo-text.js';
export * from './msisdn.js';
export * from './mt-message.js';
export * from './number-schema.js';
export * from './numbers.js';
export * from './operational-event.js';
export * from './outbound-metrics.js';
export * from './prepare-message.js';
export * from './rate-limiter.js';
export * from './receipts.js';
export * from './round-robin.js';
export * from './segments.js';
export * from './smpp-pdu.js';
export * from './state-view.js';
export * from './api-token.js';
export * from './credentials-aad.js';
