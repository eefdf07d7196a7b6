// The ONLY module that builds NATS subjects, stream names, consumer names and KV keys.
// Ids are subject-safe tokens; phone numbers appear as digits only (KV keys forbid '+').

import { ID_PATTERN } from '../../config/index.js';

// ID_PATTERN (src/config/ids.ts) says what an org or integration id may be; it
// is re-exported because every name below relies on it.
export { ID_PATTERN };

export const STREAMS = {
  mt: 'BYO_MT',
  status: 'BYO_STATUS',
  mo: 'BYO_MO',
  events: 'BYO_EVENTS',
} as const;

export const BUCKETS = {
  /** integration config (credentials as ciphertext) and desired state */
  integrations: 'byo_integrations',
  /** number inventory, keyed by E.164 digits: unique across orgs */
  numbers: 'byo_numbers',
  /** live actor snapshots published by each instance (for GET /v1/state across instances) */
  state: 'byo_state',
  /** submit/receipt correlation, bucket-level max age (per-key TTL is ignored by nats-server 2.9) */
  tracking: 'byo_tracking',
  /** one lease per live engine instance, renewed with compare-and-set; lapses with the bucket's max age */
  leases: 'byo_leases',
  /** integration ownership claims (compare-and-set; no max age: a claim holds while its owner's lease lives) */
  claims: 'byo_claims',
  /** subscriber opt-in/opt-out history */
  subscribers: 'byo_subscribers',
  /** org-scoped API tokens: SHA-256 of the secret, never the secret */
  tokens: 'byo_tokens',
} as const;

/** buckets of earlier versions, read only to upgrade from them (src/actors/legacy-owners.ts) */
export const LEGACY_BUCKETS = {
  /** one claim per integration, renewed every second (replaced by `leases` and `claims`) */
  owners: 'byo_owners',
} as const;

/** the JetStream stream behind a KV bucket (nats.js names it so; we read its config and raw history) */
export const kvStream = (bucket: string) => `KV_${bucket}`;
/** the subject a KV put publishes on (a plain bucket: no mirror, no JetStream domain) */
export const kvPutSubject = (bucket: string, key: string) => `$KV.${bucket}.${key}`;
/** JetStream direct get of the last message on `subject` (nats-server 2.9+, streams with allow_direct) */
export const directGetLastSubject = (stream: string, subject: string) => `$JS.API.DIRECT.GET.${stream}.${subject}`;

export const digits = (e164: string): string => e164.replace(/^\+/, '');

/** Any string as one KV key token: verbatim when it only uses [-\w], else '=' + base64url. */
export const kvToken = (s: string): string => (/^[-\w]{1,200}$/.test(s) ? s : `=${Buffer.from(s, 'utf8').toString('base64url')}`);

export const subjects = {
  mt: (org: string, integration: string) => `byo.mt.${org}.${integration}`,
  mtAll: 'byo.mt.>',
  /** the integration an MT subject is for, or undefined when it does not name one */
  parseMt: (subject: string): { org: string; integration: string } | undefined => {
    const m = /^byo\.mt\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(subject);
    return m ? { org: m[1]!, integration: m[2]! } : undefined;
  },
  status: (org: string, integration: string) => `byo.status.${org}.${integration}`,
  /** Nats-Msg-Id of a status: JetStream drops a second `submitted` or final for the same message */
  statusMsgId: (org: string, integration: string, messageId: string, phase: 'submitted' | 'final' | 'acknowledged') =>
    `${org}.${integration}.${messageId}.${phase}`,
  statusAll: 'byo.status.>',
  mo: (org: string, integration: string) => `byo.mo.${org}.${integration}`,
  moAll: 'byo.mo.>',
  event: (org: string, integration: string, kind: string, event: string) =>
    `byo.events.${org}.${integration}.${kind}.${event}`,
  eventsFor: (org: string, integration: string) => `byo.events.${org}.${integration}.>`,
  eventsAll: 'byo.events.>',
  /** events of one org, integration and actor kind; an absent one matches all */
  eventsMatching: (org?: string, integration?: string, kind?: string) =>
    `byo.events.${org ?? '*'}.${integration ?? '*'}.${kind ?? '*'}.>`,
} as const;

export const consumers = {
  /** durable consumer reading one integration's outbound messages */
  mt: (org: string, integration: string) => `mt_${org}_${integration}`,
} as const;

export const keys = {
  integration: (org: string, integration: string) => `${org}.${integration}`,
  integrationsOfOrg: (org: string) => `${org}.*`,
  integrationsAll: '>',
  parseIntegration: (key: string): { org: string; integration: string } | undefined => {
    const m = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(key);
    return m ? { org: m[1]!, integration: m[2]! } : undefined;
  },
  /** every key of a bucket (watch, list) */
  all: '>',
  number: (e164: string) => digits(e164),
  owner: (org: string, integration: string) => `${org}.${integration}`,
  instanceState: (instanceId: string) => `instance.${instanceId}`,
  /** the heads only: a part (below) has one more token */
  instanceStatesAll: 'instance.*',
  /** part k (1…) of a snapshot too large for one value (src/actors/instance-snapshot.ts) */
  instanceStatePart: (instanceId: string, k: number) => `instance.${instanceId}.${k}`,
  /** the instance id a `byo_state` key is for */
  parseInstanceState: (key: string): string | undefined => (key.startsWith('instance.') ? key.slice('instance.'.length) : undefined),
  /** `submitKey` is already KV-safe (src/domain/message-id.ts) */
  submit: (org: string, integration: string, submitKey: string) => `${org}.${integration}.sm.${submitKey}`,
  message: (org: string, integration: string, messageId: string) => `${org}.${integration}.msg.${kvToken(messageId)}`,
  messagesOf: (org: string, integration: string) => `${org}.${integration}.>`,
  /** one stored part of a concatenated inbound message, until all parts are in */
  moPart: (org: string, integration: string, group: string, sequence: number) => `${org}.${integration}.mo.${kvToken(group)}.${sequence}`,
  moPartsOf: (org: string, integration: string) => `${org}.${integration}.mo.>`,
  subscriber: (sender: string, handset: string) => `${digits(sender)}.${digits(handset)}`,
  /** an org API token by its id (hex): the record names its org */
  apiToken: (tokenId: string) => `t.${tokenId}`,
} as const;
