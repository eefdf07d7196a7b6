// What an org, integration or instance id may be: a single subject token and KV key token, so every
// NATS name built from it (src/adapters/nats/subjects.ts) stays valid.
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
