// The additional authenticated data of a sealed credentials envelope (src/adapters/secrets.ts): it names
// the integration, so a ciphertext copied onto another integration's record fails to open. One source
// for every place that seals or opens (HTTP, the integration actor, master-key rotation).
export const credentialsAad = (org: string, id: string): string => `${org}.${id}`;
