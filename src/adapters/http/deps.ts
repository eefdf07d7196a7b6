// What the admin API needs from the rest of the engine. main.ts wires the real implementations;
// tests pass an in-memory store, a fake state view and a reversible `seal`.
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Credentials, IntegrationSchemas } from '../../config/index.js';
import type { ApiTokenStore, EventStream, IntegrationStore, MessageTraceSource, StoredCredentials, StateView } from '../../domain/index.js';
import type { PrincipalResolver } from './auth.js';
import type { ConsoleSessions } from './session.js';

export type { BindStateView, IntegrationStateView, StateView } from '../../domain/index.js';

export interface HttpDeps {
  store: IntegrationStore;
  /** integrationSchemas({ extraPorts, allowPlaintext }) */
  schemas: IntegrationSchemas;
  /** aad = `${org}.${id}`: ciphertext moved to another integration's key does not decrypt */
  secrets: { seal(creds: Credentials, aad: string): StoredCredentials };
  state: StateView;
  /** numbers imported for one integration, shown by the single-integration view */
  numbersOf?: (org: string, integration: string) => Promise<unknown[]>;
  apiToken: string;
  egressCidrs: readonly string[];
  /** NATS connected and supervisor reconciled */
  isReady: () => boolean;
  /** Prometheus exposition (main wires prom-client's registry) */
  metricsText: () => Promise<string>;
  logger: Logger;
  /** DELETE waits this long for the owning engine to unbind and erase the record */
  deleteWaitMs: number;
  /** extra route plugins (e.g. numbers) registered behind the same auth and error handling; they declare full paths (`/v1/...`) */
  plugins?: FastifyPluginAsync[];
  now?: () => Date;
  /** org-scoped API tokens (KV byo_tokens); without it only the admin token opens the API */
  tokens?: ApiTokenStore;
  /** more ways to prove identity, tried after the bearer token (e.g. a console session cookie) */
  principalResolvers?: PrincipalResolver[];
  /** console sign-in: a session cookie accepted in place of the token */
  sessions?: ConsoleSessions;
  /** GET /v1/events/stream (503 NOT_READY without it) */
  events?: EventStream;
  /** SSE keep-alive comment interval */
  sseHeartbeatMs?: number;
  /** GET /v1/orgs/:org/integrations/:id/messages/:messageId (503 NOT_READY without it) */
  traces?: MessageTraceSource;
}
