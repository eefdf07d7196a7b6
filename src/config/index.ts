// Front door of src/config: the zod schemas of what operators configure (engine env, integrations,
// advanced config and its defaults), the id rule and the log redaction list. Imports nothing else of src/.
export * from './advanced-defaults.js';
export * from './advanced-schema.js';
export * from './engine-config.js';
export * from './ids.js';
export * from './integration-schema.js';
export * from './log-redact.js';
