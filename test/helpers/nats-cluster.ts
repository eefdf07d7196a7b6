// A three-node nats-server JetStream cluster on loopback, for the fleet tests, `npm run fleet` and the
// scale-out benchmark. Client ports are picked by each server (`-p -1`). A JetStream cluster refuses to
// start without configured routes, so the route ports are taken from the OS first (listen on port 0,
// note, close) and every node routes to all the others (a node whose route port was taken meanwhile
// fails to start, loudly). A node restarted later listens on its old client and route ports again.
// Each node has its own temp store, removed by stop().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServerChild, type NatsServerChild } from '../../src/adapters/nats/nats-server-child.js';

export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly clientPort: number;
  readonly routePort: number;
  readonly storeDir: string;
  running(): boolean;
}

export interface TestNatsCluster {
  readonly name: string;
  readonly nodes: readonly ClusterNode[];
  /** every node's client URL, comma-separated: what NATS_URL gets */
  readonly urls: string;
  /** SIGTERM one node, keeping its store: its clients fail over to the others */
  stopNode(index: number): Promise<void>;
  /** SIGKILL one node (no shutdown of any kind), keeping its store */
  killNode(index: number): Promise<void>;
  /** start a stopped node again on the same ports and store */
  startNode(index: number): Promise<void>;
  /** waits until the JetStream meta group has a leader (a client can read account info) */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  /** stops every node and removes the stores */
  stop(): Promise<void>;
}

export interface StartNatsClusterOptions {
  size?: number;
  clusterName?: string;
  readyTimeoutMs?: number;
  /** nats-server binary; default NATS_SERVER_BIN or `nats-server` on PATH */
  binary?: string;
}

interface NodeState { name: string; storeDir: string; clientPort: number; routePort: number; child: NatsServerChild | undefined }

export async function startNatsCluster(opts: StartNatsClusterOptions = {}): Promise<TestNatsCluster> {
  const size = opts.size ?? 3;
  const clusterName = opts.clusterName ?? 'byo-fleet';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  const nodes: NodeState[] = [];

  const launch = async (node: NodeState, port?: number): Promise<void> => {
    const routes = nodes.filter((o) => o !== node).map((o) => o.routePort);
    node.child = await startNatsServerChild({
      storeDir: node.storeDir,
      port,
      binary: opts.binary ?? process.env.NATS_SERVER_BIN,
      readyTimeoutMs,
      stopTimeoutMs: 5_000,
      extraArgs: [
        '-n', node.name, '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${node.routePort}`,
        ...(routes.length ? ['--routes', routes.map((p) => `nats://127.0.0.1:${p}`).join(',')] : []),
      ],
    });
    node.clientPort = node.child.port;
  };

  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.child?.stop()));
    await Promise.all(nodes.map((n) => rm(n.storeDir, { recursive: true, force: true })));
  };

  try {
    const routePorts = await freePorts(size);
    for (const [i, routePort] of routePorts.entries()) {
      nodes.push({ name: `${clusterName}-${i + 1}`, storeDir: await mkdtemp(join(tmpdir(), 'byo-nats-cluster-')), clientPort: 0, routePort, child: undefined });
    }
    await Promise.all(nodes.map((n) => launch(n)));
  } catch (err) {
    await stopAll();
    throw err;
  }

  const urls = () => nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`).join(',');
  const cluster: TestNatsCluster = {
    name: clusterName,
    nodes: nodes.map((n) => ({
      get name() { return n.name; },
      get url() { return `nats://127.0.0.1:${n.clientPort}`; },
      get clientPort() { return n.clientPort; },
      get routePort() { return n.routePort; },
      get storeDir() { return n.storeDir; },
      running: () => n.child !== undefined,
    })),
    get urls() { return urls(); },
    stopNode: async (index) => {
      const n = nodeAt(nodes, index);
      await n.child?.stop();
      n.child = undefined;
    },
    killNode: async (index) => {
      const n = nodeAt(nodes, index);
      if (!n.child) return;
      process.kill(n.child.pid, 'SIGKILL');
      await n.child.exited;
      n.child = undefined;
    },
    startNode: async (index) => {
      const n = nodeAt(nodes, index);
      if (n.child) return;
      await launch(n, n.clientPort);
    },
    waitForJetStream: (timeoutMs = 30_000) => waitForJetStream(urls(), timeoutMs),
    stop: stopAll,
  };
  await cluster.waitForJetStream();
  return cluster;
}

/** `count` distinct ports the OS considers free right now (all held open at once, then released) */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function nodeAt(nodes: NodeState[], index: number): NodeState {
  const n = nodes[index];
  if (!n) throw new Error(`no cluster node ${index} (the cluster has ${nodes.length})`);
  return n;
}

async function waitForJetStream(servers: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  const nc = await connect({ servers: servers.split(','), timeout: 5_000 });
  try {
    while (Date.now() < deadline) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2_000 });
        await jsm.getAccountInfo();
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`JetStream cluster not ready within ${timeoutMs} ms: ${String(last)}`);
  } finally {
    await nc.close();
  }
}
