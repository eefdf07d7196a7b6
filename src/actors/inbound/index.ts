// Front door of src/actors/inbound: deliver_sm/data_sm handling, MO assembly, subscribers (opt-out state).
export * from './deliver-sm-handler.js';
export * from './inbound.js';
export * from './mo-assembler.js';
export * from './subscriber-registry.js';
