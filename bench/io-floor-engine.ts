// The I/O floor of the production shape: a process that does, per message, exactly the NATS and SMPP
// traffic the engine does, through the engine's own adapters, and nothing else. No machines, no
// validation, no GSM encoding, no receipt parsing beyond the id, no holding rules, no metrics, no logs.
// Its CPU per delivered message is what any engine built on this stack (Node's TLS, nats.js and these
// adapters, the same five durable writes) must spend; the engine's own µs above it is its logic.
//
// Per message, as the engine (src/actors/outbound/lane.ts, tracker.ts, inbound/deliver-sm-handler.ts):
//   MT delivered by the integration's pull consumer on BYO_MT → submit_sm over one of its 3 TLS binds,
//   paced at the integration's messagesPerSecond → on the resp: track put, `submitted` status, reference
//   create (each awaiting its JetStream ack), then the MT ack → on the receipt (held until its reference
//   exists, as the engine holds it): final status, compare-and-set of the reference, deliver_sm_resp.
//
// Started by bench/production-floor.ts with child_process.fork; settings in FLOOR_* variables; talks
// over IPC: child → parent { type: 'ready' } once every bind is bound; parent → child { type: 'memory' },
// answered with { type: 'memory', ...process.memoryUsage() }; parent → child { type: 'stop' }.
import pino from 'pino';
import type { JsMsg } from '@nats-io/jetstream';
import {
  BUCKETS, JsPublisher, connectNats, consumeFrom, encodeJson, ensureBuckets, ensureStreams, keys, openFastKv, openMtConsumer, subjects,
} from '../src/adapters/nats/index.js';
import { createSmppSession, type SmppSession } from '../src/adapters/smpp/index.js';
import { loadEngineConfig } from '../src/config/index.js';
import { submitKey, type DeliverSm } from '../src/domain/index.js';

export interface FloorIntegration { org: string; id: string; systemId: string }
export type FloorMemory = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external'>;

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const integrations = JSON.parse(env('FLOOR_INTEGRATIONS')) as FloorIntegration[];
const mps = Number(env('FLOOR_MPS'));
const config = loadEngineConfig({}); // the engine's defaults: window, ack timeouts, TTLs, pull lifetime
const { limits, timers } = config;
/** the pacing tick (ms): each integration sends at most one tick's share of its rate per tick */
const TICK_MS = 10;
/** how often the keep-alive spreader runs (ms) */
const PING_TICK_MS = 100;

const logger = pino({ level: 'warn' });
let stopping = false;
const nats = await connectNats({ url: env('FLOOR_NATS_URL'), dataDir: '/tmp', logger, name: 'byo-io-floor' });
await ensureStreams(nats.jsm, { replicas: 1 });
await ensureBuckets(nats.kvm, { trackingTtlMs: limits.trackingTtlMs, leasesMaxAgeMs: timers.ownerClaimTtlMs, replicas: 1 });
const wire = new JsPublisher(nats.nc, { ackTimeoutMs: timers.jetStreamAckTimeoutMs });
const kv = await openFastKv(wire, nats.jsm, BUCKETS.tracking);
if (!kv) throw new Error('the tracking bucket serves no direct gets');

interface Reference { org: string; integration: string; id: string; key: string; value: string; revision: number }
/** references by SMSC message id (the engine's hint), and receipts that came before their reference */
const references = new Map<string, Reference>();
const heldReceipts = new Map<string, { session: SmppSession; pdu: DeliverSm }>();
const receiptId = (pdu: DeliverSm): string => pdu.receiptedMessageId ?? /^id:(\S+)/.exec(pdu.shortMessage.toString('latin1'))?.[1] ?? '';

async function onReceipt(session: SmppSession, pdu: DeliverSm): Promise<void> {
  const smscId = receiptId(pdu);
  const ref = references.get(smscId);
  if (!ref) {
    heldReceipts.set(smscId, { session, pdu });
    return;
  }
  references.delete(smscId);
  const at = new Date().toISOString();
  const status = { id: ref.id, state: 'delivered', segments: 1, smscMessageIds: [smscId], at };
  await wire.publish(subjects.status(ref.org, ref.integration), JSON.stringify(status), { msgId: subjects.statusMsgId(ref.org, ref.integration, ref.id, 'final') });
  await kv!.update(ref.key, ref.value.replace('"submitted"]', '"delivered"],"final":"delivered"'), ref.revision);
  session.respondDeliverSm(pdu, 0);
}

class FloorIntegrationLane {
  readonly sessions: SmppSession[] = [];
  private readonly queue: JsMsg[] = [];
  private next = 0;
  /** sends allowed now: a bucket of one tick's share of the rate (at least one message) */
  private credit = 1;

  constructor(readonly i: FloorIntegration) {}

  async start(ca: string, port: number): Promise<void> {
    for (let b = 0; b < 3; b++) {
      let connected: (err?: Error) => void = () => undefined;
      const up = new Promise<void>((resolve, reject) => { connected = (err) => (err ? reject(err) : resolve()); });
      const session: SmppSession = createSmppSession({
        host: '127.0.0.1', port, tls: { enabled: true, ca, servername: 'localhost', rejectUnauthorized: true },
        connectTimeoutMs: timers.connectTimeoutMs, windowSize: limits.windowSize, maxPduLength: limits.maxPduLength,
      }, (e) => {
        if (e.type === 'pdu.deliver_sm') void onReceipt(session, e.pdu).catch((err: unknown) => logger.error({ err }, 'receipt failed'));
        else if (e.type === 'smpp.window_open') this.pump();
        else if (e.type === 'smpp.connected') connected();
        else if (e.type === 'smpp.closed') {
          connected(new Error(e.reason));
          if (!stopping) logger.error({ reason: e.reason }, 'session closed');
        }
      });
      session.connect();
      await up;
      const resp = await session.bind({ bindType: 'transceiver', systemId: this.i.systemId, password: 'secret1', addrTon: 1, addrNpi: 1 }, timers.bindResponseTimeoutMs);
      if (resp.command_status !== 0) throw new Error(`bind ${this.i.systemId} failed: ${resp.command_status}`);
      this.sessions.push(session);
    }
    const opts = { ackWaitMs: limits.mtAckWaitMs, maxInFlight: limits.maxInFlightMessagesPerIntegration, pullExpiresMs: timers.mtPullExpiresMs };
    const consumer = await openMtConsumer(nats, this.i.org, this.i.id, opts);
    await consumeFrom(consumer, opts, (m) => {
      this.queue.push(m);
      busy.add(this);
      this.pump();
    }, (err) => logger.error({ err }, 'consumer ended'));
  }

  /** one tick's credit; false once the lane holds nothing (the ticker then leaves it alone: idle costs nothing) */
  tick(): boolean {
    this.credit = Math.min(this.credit + (mps * TICK_MS) / 1000, Math.max(1, (mps * TICK_MS) / 1000));
    this.pump();
    return this.queue.length > 0;
  }

  private pump(): void {
    while (this.credit >= 1 && this.queue.length > 0) {
      const session = this.freeSession();
      if (!session) return;
      this.credit -= 1;
      void this.send(session, this.queue.shift()!).catch((err: unknown) => logger.error({ err }, 'message failed'));
    }
  }

  private freeSession(): SmppSession | undefined {
    for (let k = 0; k < this.sessions.length; k++) {
      const s = this.sessions[(this.next + k) % this.sessions.length]!;
      if (s.windowInUse < limits.windowSize) {
        this.next = (this.next + k + 1) % this.sessions.length;
        return s;
      }
    }
    return undefined;
  }

  private async send(session: SmppSession, m: JsMsg): Promise<void> {
    const { org, id: integration } = this.i;
    const mt = JSON.parse(m.string()) as { id: string; from: string; to: string; text: string };
    const resp = await session.submit({
      source_addr_ton: 1, source_addr_npi: 1, source_addr: mt.from.slice(1), dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: mt.to.slice(1),
      esm_class: 0, registered_delivery: 1, data_coding: 0, short_message: Buffer.from(mt.text, 'latin1'),
    }, timers.responseTimeoutMs);
    const smscId = resp.messageId ?? '';
    const at = new Date().toISOString();
    const track = { v: 1, id: mt.id, segments: 1, smscIds: [smscId], seg: ['submitted'], submittedAt: at };
    await kv!.put(keys.message(org, integration, mt.id), encodeJson(track));
    const status = { id: mt.id, state: 'submitted', segments: 1, smscMessageIds: [smscId], at };
    await wire.publish(subjects.status(org, integration), JSON.stringify(status), { msgId: subjects.statusMsgId(org, integration, mt.id, 'submitted') });
    const key = keys.submit(org, integration, submitKey(smscId)!);
    const value = JSON.stringify({ id: mt.id, index: 0, track });
    const { seq } = await kv!.update(key, value, 0);
    m.ack();
    references.set(smscId, { org, integration, id: mt.id, key, value, revision: seq });
    const held = heldReceipts.get(smscId);
    if (held) {
      heldReceipts.delete(smscId);
      await onReceipt(held.session, held.pdu);
    }
  }
}

const lanes = integrations.map((i) => new FloorIntegrationLane(i));
/** lanes holding messages: only they are ticked */
const busy = new Set<FloorIntegrationLane>();
const port = Number(env('FLOOR_SMSC_PORT'));
const ca = env('FLOOR_CA');
// FLOOR_BINDS_PER_SECOND: bring the binds up at this rate, as the engine's bind-attempt budget does
// (BYO_BIND_ATTEMPTS_PER_SECOND); unset: ten integrations at a time, as fast as they come up
const bindsPerSecond = Number(process.env.FLOOR_BINDS_PER_SECOND || 0);
if (bindsPerSecond > 0) {
  const starts: Promise<void>[] = [];
  for (const l of lanes) {
    starts.push(l.start(ca, port));
    await new Promise((r) => setTimeout(r, 3_000 / bindsPerSecond));
  }
  await Promise.all(starts);
} else {
  for (let k = 0; k < lanes.length; k += 10) await Promise.all(lanes.slice(k, k + 10).map((l) => l.start(ca, port)));
}
const ticker = setInterval(() => {
  for (const l of busy) if (!l.tick()) busy.delete(l);
}, TICK_MS);
// FLOOR_KEEPALIVE_MS (idle-scale's floor): an enquire_link on every bind once per that period, spread
// evenly as the engine's grid spreads its keep-alives; 0 or unset: none (a busy bind needs none)
const keepAliveMs = Number(process.env.FLOOR_KEEPALIVE_MS || 0);
const allSessions = lanes.flatMap((l) => l.sessions);
let nextPing = 0;
const pinger = keepAliveMs > 0 ? setInterval(() => {
  const n = Math.ceil((allSessions.length * PING_TICK_MS) / keepAliveMs);
  for (let k = 0; k < n; k++) allSessions[nextPing++ % allSessions.length]!.ping((err) => { if (err && !stopping) logger.error({ err }, 'ping failed'); });
}, PING_TICK_MS) : undefined;
process.send?.({ type: 'ready' });

const stop = async () => {
  stopping = true;
  clearInterval(ticker);
  clearInterval(pinger);
  for (const l of lanes) for (const s of l.sessions) s.close('floor stopped');
  wire.close();
  await nats.close();
  process.exit(0);
};
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') void stop();
  else if (m.type === 'memory') {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    process.send?.({ type: 'memory', rss, heapUsed, heapTotal, external });
  }
});
process.on('disconnect', () => process.exit(0));
