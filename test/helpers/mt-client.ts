// A user of the engine over NATS: publishes MT messages (with Nats-Msg-Id = id) and collects statuses.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { expect } from 'vitest';
import type { EngineProcess } from './engine-process.js';
import { eventually } from './engine-process.js';

export interface Status { id: string; state: string; segments: number; smscMessageIds: string[]; error?: any; at: string }

export class MtClient {
  private readonly seen = new Map<string, Status[]>();
  private stopConsuming: () => void = () => undefined;

  private constructor(readonly nc: NatsConnection, readonly js: JetStreamClient) {}

  static async connect(url: string): Promise<MtClient> {
    const nc = await connect({ servers: url });
    const c = new MtClient(nc, jetstream(nc));
    // Read statuses from the BYO_STATUS stream, as a user who needs exactly-once does: JetStream drops a
    // status re-published after a crash (same Nats-Msg-Id); a core subscription would see it twice.
    const jsm = await jetstreamManager(nc);
    await eventually(() => jsm.streams.info('BYO_STATUS').then(() => true, () => false), { what: 'BYO_STATUS stream', timeoutMs: 30_000 });
    const consumer = await c.js.consumers.get('BYO_STATUS');
    // short pulls: after a nats-server restart the reader resumes within seconds (default: ~30 s)
    const messages = await consumer.consume({ expires: 2_000 });
    c.stopConsuming = () => messages.stop();
    void (async () => {
      for await (const m of messages) {
        const s = m.json<Status>();
        const key = `${m.subject}|${s.id}`;
        c.seen.set(key, [...(c.seen.get(key) ?? []), s]);
      }
    })();
    return c;
  }

  async publish(org: string, integration: string, body: Record<string, unknown>): Promise<void> {
    await this.js.publish(`byo.mt.${org}.${integration}`, JSON.stringify(body), body.id ? { msgID: String(body.id) } : {});
  }

  async publishRaw(org: string, integration: string, payload: string, msgID: string): Promise<void> {
    await this.js.publish(`byo.mt.${org}.${integration}`, payload, { msgID });
  }

  statuses(org: string, integration: string, id: string): Status[] {
    return this.seen.get(`byo.status.${org}.${integration}|${id}`) ?? [];
  }

  async waitFinal(org: string, integration: string, id: string, timeoutMs = 20_000) {
    return eventually(() => {
      const all = this.statuses(org, integration, id);
      const final = all.find((s) => s.state !== 'submitted');
      return final ? { final, submitted: all.find((s) => s.state === 'submitted') } : undefined;
    }, { timeoutMs, what: `final status of ${id}` });
  }

  /** lets late duplicates (if any) arrive before counting */
  async settle(ms = 300): Promise<void> {
    await this.nc.flush();
    await new Promise((r) => setTimeout(r, ms));
  }

  async close(): Promise<void> {
    this.stopConsuming();
    await this.nc.close();
  }
}

/** Creates an active plaintext integration against a fake SMSC on `port` and imports `sender`. */
export async function setUpIntegration(engine: EngineProcess, port: number, sender: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await engine.api('POST', '/v1/orgs/acme/integrations', {
    name: `vendor ${port}`, smscAddress: '127.0.0.1', smscPort: port, tls: false, credentials: { systemId: 'acme', password: 'secret1' }, ...extra,
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const num = await engine.api('POST', `/v1/orgs/acme/integrations/${id}/numbers`, { type: 'local', senderId: sender });
  expect(num.status, num.text).toBe(201);
  expect((await engine.api('POST', `/v1/orgs/acme/integrations/${id}/activate`)).status).toBe(200);
  await eventually(async () => (await engine.api('GET', `/v1/orgs/acme/integrations/${id}/state`)).body?.state === 'active', { what: 'active' });
  return id;
}
