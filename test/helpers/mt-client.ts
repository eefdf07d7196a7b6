// A user of the engine over NATS: publishes MT messages (with Nats-Msg-Id = id) and collects statuses.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { expect } from 'vitest';
import type { EngineProcess } from './engine-process.js';
import { eventually } from './engine-process.js';
import type { FakeSmsc } from './fake-smsc.js';

export interface Status { id: string; state: string; segments: number; smscMessageIds: string[]; error?: any; at: string }

export class MtClient {
  private readonly seen = new Map<string, Status[]>();
  /** stream sequence of the last status read */
  private lastSeq = 0;
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
        c.lastSeq = m.seq;
      }
    })();
    return c;
  }

  /** Publishes on BYO_MT; returns the message's stream sequence. */
  async publish(org: string, integration: string, body: Record<string, unknown>): Promise<number> {
    return (await this.js.publish(`byo.mt.${org}.${integration}`, JSON.stringify(body), body.id ? { msgID: String(body.id) } : {})).seq;
  }

  async publishRaw(org: string, integration: string, payload: string, msgID: string): Promise<number> {
    return (await this.js.publish(`byo.mt.${org}.${integration}`, payload, { msgID })).seq;
  }

  statuses(org: string, integration: string, id: string): Status[] {
    return this.seen.get(`byo.status.${org}.${integration}|${id}`) ?? [];
  }

  async waitFinal(org: string, integration: string, id: string, timeoutMs = 20_000) {
    return eventually(() => {
      const all = this.statuses(org, integration, id);
      const final = all.find((s) => s.state !== 'submitted' && s.state !== 'acknowledged');
      return final ? { final, submitted: all.find((s) => s.state === 'submitted') } : undefined;
    }, { timeoutMs, what: `final status of ${id}` });
  }

  /** messages of `byo.mt.<org>.<integration>` still in BYO_MT (a work queue: the engine's ack removes one) */
  async queued(org: string, integration: string): Promise<number> {
    const subject = `byo.mt.${org}.${integration}`;
    const info = await (await jetstreamManager(this.nc)).streams.info('BYO_MT', { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  /** Waits until this reader has read BYO_STATUS up to its last message. */
  async caughtUp(timeoutMs = 15_000): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await eventually(async () => this.lastSeq >= (await jsm.streams.info('BYO_STATUS')).state.last_seq, { timeoutMs, what: 'status reader at the end of BYO_STATUS' });
  }

  /**
   * Waits until nothing can add a status for this integration any more, then until this reader has
   * read every status stored: the engine settled every message (none left in BYO_MT), and every
   * receipt `smscs` owe for an accepted submit was answered ROK (the engine answers a receipt only
   * after its status is stored). A repeated status read after this is in the stream: exactly-once
   * checks count after it instead of after a pause.
   */
  async settled(org: string, integration: string, smscs: FakeSmsc[] = [], timeoutMs = 20_000): Promise<void> {
    await eventually(async () => (await this.queued(org, integration)) === 0, { timeoutMs, what: `BYO_MT empty for ${org}.${integration}` });
    for (const smsc of smscs) await smsc.waitFor(() => receiptsOwed(smsc) === 0, { timeoutMs, what: 'every receipt answered' });
    await this.caughtUp(timeoutMs);
  }

  async close(): Promise<void> {
    this.stopConsuming();
    await this.nc.close();
  }
}

/**
 * Accepted submits that asked for a receipt and have none the engine answered ROK yet. A message
 * submitted twice (a crash between submit_sm_resp and its record) is owed only its last copy's receipt:
 * the earlier copy's id was never recorded, so the engine refuses that receipt for good, and it can
 * never become a status.
 */
export function receiptsOwed(smsc: FakeSmsc): number {
  const dlr = smsc.opts.autoDlr;
  if (!dlr) return 0;
  const answered = new Set(smsc.receipts.filter((r) => r.respStatus === 0).map((r) => r.submitIndex));
  const accepted = smsc.submits.filter((s) => s.commandStatus === 0 && (dlr.onlyWhenRequested === false || (s.registered_delivery & 0x03) !== 0));
  const copy = (s: (typeof accepted)[number]) => `${s.source_addr}|${s.destination_addr}|${s.short_message.toString('hex')}`;
  const last = new Map(accepted.map((s) => [copy(s), s.index]));
  return accepted.filter((s) => last.get(copy(s)) === s.index && !answered.has(s.index)).length;
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

/** every MO published so far on byo.mo.<org>.<integration> (oldest first), read with a fresh consumer */
export async function readMos<T>(js: JetStreamClient, org: string, integration: string): Promise<T[]> {
  const consumer = await js.consumers.get('BYO_MO', { filter_subjects: `byo.mo.${org}.${integration}`, deliver_policy: DeliverPolicy.All });
  const pending = (await consumer.info()).num_pending;
  const out: T[] = [];
  if (pending === 0) return out;
  for await (const m of await consumer.fetch({ max_messages: pending, expires: 2_000 })) out.push(m.json<T>());
  return out;
}
