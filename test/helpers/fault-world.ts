// Faults under load (issue 11 §3): a nats-server, one SMSC simulator per integration (so a fault can hit
// one integration's SMSC alone), the engine as a real child process, an open-loop MT publisher and a
// reader of BYO_STATUS. runFault() applies one fault in the middle of a steady load and counts, from the
// statuses stored in BYO_STATUS: published, final, lost, duplicated, late, recovery. Shared by
// bench/faults.ts (`npm run faults`) and test/e2e/faults.test.ts.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { startSimulator, type SmscSimulator } from '../../src/simulator/index.js';
import { eventually, removeDir, startEngine, type EngineProcess } from './engine-process.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';
import { startNatsCluster, type TestNatsCluster } from './nats-cluster.js';

export interface FaultWorldOptions {
  integrations: number;
  /** total MT rate over all integrations (messages per second) */
  ratePerSecond: number;
  /** extra engine env on top of the world's */
  engineEnv?: Record<string, string>;
  /** a three-node JetStream cluster (R3 streams and buckets) instead of one nats-server */
  cluster?: boolean;
  /** SMSCs that drop a refused receipt instead of retrying it (simulator retryRefused: false) */
  dropRefusedReceipts?: boolean;
}

/** the single server's kill/restart, or one cluster node's: what the NATS faults act on */
export interface FaultNats {
  readonly url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** the cluster, when the world runs on one */
  readonly cluster?: TestNatsCluster;
}

export interface LoadIntegration { org: string; id: string; sender: string; smsc: SmscSimulator }

export interface Seen {
  submitted: number;
  /** engine time of the first `submitted` */
  submittedAt: number;
  finals: { state: string; at: number }[];
  integration: number;
}

export class FaultWorld {
  /** per message id: the statuses read from BYO_STATUS */
  readonly seen = new Map<string, Seen>();
  private stopReading: () => void = () => undefined;
  private lastSeq = 0;

  private constructor(
    readonly opts: FaultWorldOptions, readonly nats: FaultNats, readonly smscs: SmscSimulator[], public engine: EngineProcess,
    readonly env: Record<string, string>, readonly nc: NatsConnection, readonly js: JetStreamClient, readonly integrations: LoadIntegration[],
  ) {}

  static async start(opts: FaultWorldOptions): Promise<FaultWorld> {
    const nats = opts.cluster ? await clusterNats() : singleNats(await startNatsServer());
    // receipts a little after the submit_sm_resp, as real SMSCs send them; every submit asks for one
    const autoDlr = { delayMs: 100, retryRefused: !opts.dropRefusedReceipts };
    const smscs = await Promise.all(Array.from({ length: opts.integrations }, () => startSimulator({ autoDlr })));
    // each integration may go twice the steady rate, so a backlog built during a fault drains (above the
    // reference's maximum of 100 per integration only through the lab override)
    const perIntegration = Math.max(1, Math.ceil((2 * opts.ratePerSecond) / opts.integrations));
    const env = {
      BYO_RATE_LIMIT_OVERRIDE_MPS: String(perIntegration),
      NATS_URL: nats.url, BYO_EXTRA_PORTS: smscs.map((s) => s.port).join(','), BYO_ALLOW_PLAINTEXT: '1', LOG_LEVEL: 'info',
      // a killed engine's un-acked messages come back after the JetStream ack wait: keep it short
      BYO_MT_ACK_WAIT_MS: '3000', ...(opts.cluster ? { BYO_JETSTREAM_REPLICAS: '3' } : {}), ...opts.engineEnv,
    };
    const engine = await startEngine(env, { readyTimeoutMs: 60_000 });
    const nc = await connect({ servers: nats.url.split(','), name: 'byo-faults', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const js = jetstream(nc);
    const integrations: LoadIntegration[] = [];
    for (const [k, smsc] of smscs.entries()) {
      const created = await engine.api('POST', '/v1/orgs/faults/integrations', {
        name: `faults ${k}`, smscAddress: '127.0.0.1', smscPort: smsc.port, tls: false,
        credentials: { systemId: `faults${k}`, password: 'secret1' }, messagesPerSecond: Math.min(100, perIntegration),
      });
      if (created.status !== 201) throw new Error(`create integration: HTTP ${created.status} ${created.text}`);
      const id = created.body.id as string;
      const sender = `+1555${String(k).padStart(7, '0')}`;
      const num = await engine.api('POST', `/v1/orgs/faults/integrations/${id}/numbers`, { type: 'local', senderId: sender });
      if (num.status !== 201) throw new Error(`import number: HTTP ${num.status} ${num.text}`);
      const act = await engine.api('POST', `/v1/orgs/faults/integrations/${id}/activate`);
      if (act.status !== 200) throw new Error(`activate: HTTP ${act.status} ${act.text}`);
      integrations.push({ org: 'faults', id, sender, smsc });
    }
    const world = new FaultWorld(opts, nats, smscs, engine, env, nc, js, integrations);
    await world.waitActive();
    await world.readStatuses();
    return world;
  }

  async waitActive(timeoutMs = 60_000): Promise<void> {
    for (const i of this.integrations) {
      await eventually(async () => (await this.engine.api('GET', `/v1/orgs/${i.org}/integrations/${i.id}/state`)).body?.state === 'active',
        { what: `integration ${i.id} active`, timeoutMs });
    }
  }

  /** reads BYO_STATUS from its start (an ordered consumer: it resumes by itself after a nats-server restart) */
  private async readStatuses(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await eventually(() => jsm.streams.info('BYO_STATUS').then(() => true, () => false), { what: 'BYO_STATUS stream', timeoutMs: 30_000 });
    const consumer = await this.js.consumers.get('BYO_STATUS');
    const messages = await consumer.consume({ expires: 2_000 });
    this.stopReading = () => messages.stop();
    const index = new Map(this.integrations.map((i, k) => [`byo.status.${i.org}.${i.id}`, k]));
    void (async () => {
      for await (const m of messages) {
        this.lastSeq = m.seq;
        const s = m.json<{ id: string; state: string; at: string }>();
        const seen = this.seen.get(s.id) ?? { submitted: 0, submittedAt: Number.NaN, finals: [], integration: index.get(m.subject) ?? -1 };
        this.seen.set(s.id, seen);
        if (s.state === 'submitted') {
          if (seen.submitted++ === 0) seen.submittedAt = Date.parse(s.at);
        } else if (s.state !== 'acknowledged') seen.finals.push({ state: s.state, at: Date.parse(s.at) });
      }
    })();
  }

  /** waits until this reader has read BYO_STATUS up to its last message */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await eventually(async () => this.lastSeq >= (await jsm.streams.info('BYO_STATUS')).state.last_seq, { timeoutMs, what: 'status reader at the end of BYO_STATUS' });
  }

  /**
   * submit_sm the engine sent again and counted (byo_submit_sm_total with status timeout, closed or generic_nack):
   * each may have reached the SMSC twice. NaN when the engine does not answer.
   */
  async resends(): Promise<number> {
    return countedResends(this.engine);
  }

  /** SIGKILL happened: a new engine process on the same data dir */
  async restartEngine(): Promise<void> {
    this.engine = await startEngine(this.env, { dataDir: this.engine.dataDir, readyTimeoutMs: 60_000 });
  }

  async close(): Promise<void> {
    this.stopReading();
    await this.nc.close().catch(() => undefined);
    // an engine that does not stop within its bound is killed: left running, it would keep retrying its
    // NATS and SMSC addresses while the next world starts
    await this.engine.stop().catch(() => this.engine.kill().catch(() => undefined));
    for (const s of this.smscs) await s.close();
    await this.nats.stop();
    removeDir(this.engine.dataDir);
  }
}

function singleNats(server: TestNatsServer): FaultNats {
  return { url: server.url, kill: () => server.kill(), restart: () => server.restart(), stop: () => server.stop() };
}

/**
 * A three-node cluster; kill() SIGKILLs the node that leads the tracking bucket's stream (where receipts
 * are recorded, so the fault hits the receipt path), restart() starts it again on its ports and store.
 */
async function clusterNats(): Promise<FaultNats> {
  const cluster = await startNatsCluster();
  let killed = -1;
  return {
    cluster,
    get url() { return cluster.urls; },
    kill: async () => {
      killed = await trackingLeader(cluster);
      await cluster.killNode(killed);
    },
    restart: async () => {
      if (killed >= 0) await cluster.startNode(killed);
      killed = -1;
      await cluster.waitForJetStream();
    },
    stop: () => cluster.stop(),
  };
}

async function trackingLeader(cluster: TestNatsCluster): Promise<number> {
  const nc = await connect({ servers: cluster.urls.split(','), name: 'byo-faults-leader' });
  try {
    const info = await (await jetstreamManager(nc)).streams.info('KV_byo_tracking');
    const k = cluster.nodes.findIndex((n) => n.name === info.cluster?.leader);
    return k >= 0 ? k : 0;
  } finally {
    await nc.close();
  }
}

/** submit_sm one engine sent again and counted (see FaultWorld.resends); NaN when it does not answer */
export async function countedResends(engine: EngineProcess): Promise<number> {
  const res = await engine.api('GET', '/metrics').catch(() => undefined);
  if (!res || res.status !== 200) return Number.NaN;
  let sum = 0;
  for (const m of res.text.matchAll(/^byo_submit_sm_total\{[^}]*status="(?:timeout|closed|generic_nack)"[^}]*\} ([0-9.e+]+)$/gm)) sum += Number(m[1]);
  return sum;
}
