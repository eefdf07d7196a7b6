// Front door of the NATS adapter: re-exports only.
export * from './subjects.js';
export {
  connectNats, serverAtLeast, defaultReplicas, DEFAULT_NATS_URL, NatsConnectError,
  type ConnectNatsOptions, type NatsConnectionState, type NatsHandle, type NatsStatusEvent,
} from './connection.js';
export {
  startNatsServerChild, NatsServerError, NATS_SERVER_MISSING,
  type NatsServerChild, type NatsServerChildOptions, type NatsServerErrorCode, type NatsServerExit,
} from './nats-server-child.js';
export {
  ensureStreams, ensureBuckets, purgeQueuedMt, wantedStreams, wantedBuckets, StreamSetupError,
  STREAM_DEFAULTS, BUCKET_DEFAULTS,
  type StreamOptions, type BucketOptions, type BucketName, type Buckets,
} from './streams.js';
export {
  encodeJson, decodeJson, getJson, casUpdateJson, isLive, isWrongLastSequence, listKeys, CasContentionError,
  type JsonEntry, type WarnLogger,
} from './kv-json.js';
export { createKvIntegrationStore, type KvIntegrationStoreOptions } from './integration-store.js';
export * from './event-sink.js';
export * from './fast-kv.js';
export * from './js-publisher.js';
export * from './mt-consumer.js';
export * from './lost-pulls.js';
export * from './mt-parking.js';
export * from './number-store.js';
export { createKvTokenStore } from './token-store.js';
export * from './stream-reader.js';
export * from './event-stream.js';
export * from './mt-queue-depth.js';
export * from './mt-settlement.js';
