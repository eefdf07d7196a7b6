// Front door of src/actors: the supervisor and what runs integrations and numbers (the integration
// actor, SMPP session actor, number fleet, ownership). Inbound and outbound traffic have their own rooms.
export * from './bind-attempt-budget.js';
export * from './coarse-clock.js';
export * from './integration-actor.js';
export * from './integration-events.js';
export * from './number-fleet.js';
export * from './ownership.js';
export * from './legacy-owners.js';
export * from './smpp-session-actor.js';
export * from './start-actor.js';
export * from './supervisor.js';
export * from './transition-observer.js';
