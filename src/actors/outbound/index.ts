// Front door of src/actors/outbound: MT lanes, tracker, statuses, the unroutable sweep.
export * from './outbound-metrics.js';
export * from './outbound.js';
export * from './outcome.js';
export * from './pending-records.js';
export * from './read-mt.js';
export * from './record-signal.js';
export * from './status-publisher.js';
export * from './tracker.js';
export * from './unroutable.js';
export * from './message-trace.js';
