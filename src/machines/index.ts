// Front door of src/machines: the pure XState machines (integration, bind, number, subscriber, outbound lane).
export * from './bind-machine.js';
export * from './bind-policy.js';
export * from './integration-machine.js';
export * from './number-machine.js';
export * from './subscriber-machine.js';
export * from './lane-book.js';
export * from './lane-machine.js';
