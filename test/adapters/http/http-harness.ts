// Builds the admin API over in-memory fakes: the store from test/helpers, a state view the test
// sets by hand, a reversible `seal` (the real AES envelope is tested with src/adapters/secrets),
// and a pino logger whose every line is captured so tests can search logs for secrets.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { integrationSchemas, type Credentials } from '../../../src/config/integration-schema.js';
import type { StoredCredentials } from '../../../src/domain/integration-record.js';
import type { FleetStateView, InstanceStatusView } from '../../../src/domain/index.js';
import { buildHttpServer, type HttpDeps, type IntegrationStateView, type StateView } from '../../../src/adapters/http/index.js';
import { MemoryIntegrationStore } from '../../helpers/memory-integration-store.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;
export const PASSWORD = 's3cr3tpw';

/** The body from the reference's example, with only the required fields and credentials. */
export const validBody = (): Record<string, unknown> => ({
  name: 'Acme SMSC',
  notes: 'primary vendor account',
  smscAddress: 'smsc.example.net',
  credentials: { systemId: 'acme', password: PASSWORD },
});

export const fakeSecrets = {
  seal(creds: Credentials, aad: string): StoredCredentials {
    return { systemId: creds.systemId, ciphertext: `sealed:${Buffer.from(JSON.stringify({ ...creds, aad })).toString('base64')}` };
  },
  unseal(stored: StoredCredentials): Credentials & { aad: string } {
    return JSON.parse(Buffer.from(stored.ciphertext.slice('sealed:'.length), 'base64').toString('utf8')) as Credentials & { aad: string };
  },
};

export class FakeStateView implements StateView {
  readonly views = new Map<string, IntegrationStateView>();
  failWith: Error | undefined;
  set(view: IntegrationStateView): void {
    this.views.set(`${view.org}.${view.id}`, view);
  }
  async integrations(): Promise<IntegrationStateView[]> {
    if (this.failWith) throw this.failWith;
    return [...this.views.values()];
  }
  async integration(org: string, id: string): Promise<IntegrationStateView | undefined> {
    if (this.failWith) throw this.failWith;
    return this.views.get(`${org}.${id}`);
  }
  /** the engines GET /v1/state names */
  instances: InstanceStatusView[] = [{ id: 'engine-1', live: true, snapshotAgeMs: 0 }];
  async fleet(): Promise<FleetStateView> {
    return { instances: this.instances, integrations: await this.integrations() };
  }
}

export interface Harness {
  app: FastifyInstance;
  store: MemoryIntegrationStore;
  state: FakeStateView;
  logs: string[];
  deps: HttpDeps;
  /** inject with the bearer token */
  call(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** creates a valid integration and returns its id */
  create(org?: string, body?: Record<string, unknown>): Promise<string>;
}

export interface HarnessOptions extends Partial<HttpDeps> {
  allowPlaintext?: boolean;
  extraPorts?: number[];
}

export function harness(opts: HarnessOptions = {}): Harness {
  const { allowPlaintext = false, extraPorts = [], ...overrides } = opts;
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => { logs.push(line); } });
  const store = new MemoryIntegrationStore();
  const state = new FakeStateView();
  const deps: HttpDeps = {
    store,
    schemas: integrationSchemas({ extraPorts, allowPlaintext }),
    secrets: fakeSecrets,
    state,
    apiToken: TOKEN,
    egressCidrs: ['203.0.113.0/28', '198.51.100.7/32'],
    isReady: () => true,
    metricsText: async () => '# HELP byo_up 1 when up\n# TYPE byo_up gauge\nbyo_up 1\n',
    logger,
    deleteWaitMs: 500,
    now: () => new Date('2030-01-02T03:04:05.000Z'),
    ...overrides,
  };
  const app = buildHttpServer(deps);
  const call = (o: InjectOptions): Promise<LightMyRequestResponse> => app.inject({ ...o, headers: { ...AUTH, ...(o.headers ?? {}) } });
  return {
    app, store, state, logs, deps, call,
    async create(org = 'acme', body = validBody()) {
      const res = await call({ method: 'POST', url: `/v1/orgs/${org}/integrations`, payload: body });
      if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>().id;
    },
  };
}

/** One engine's worth of behaviour for DELETE: purge any record whose desired state is 'deleted'. */
export function fakePurgingEngine(store: MemoryIntegrationStore): AbortController {
  const stop = new AbortController();
  void (async () => {
    for await (const change of store.watch(stop.signal)) {
      if (change.op === 'put' && change.record.desired === 'deleted') await store.purge(change.org, change.id);
    }
  })();
  return stop;
}
