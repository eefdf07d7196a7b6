// `npm run fleet`: a local fleet on one machine for trying scale-out by hand: a three-node nats-server
// JetStream cluster on loopback (temp stores), the fake SMSC, and three engines with distinct
// BYO_INSTANCE_ID and the engine's default timers. Prints the URLs and the API token; Ctrl-C (or
// SIGTERM) stops everything it started and removes the temp stores.
//
//   npm run fleet                  # 3 engines
//   FLEET_ENGINES=2 npm run fleet  # another count
//   FLEET_LOG_LEVEL=debug npm run fleet   (info or more verbose: the engines' HTTP address is read from their log)
import { startFleet } from '../test/helpers/fleet.js';

const engines = Number(process.env.FLEET_ENGINES ?? 3);
if (!Number.isInteger(engines) || engines < 1 || engines > 9) {
  console.error(`FLEET_ENGINES must be a whole number from 1 to 9, got "${process.env.FLEET_ENGINES}"`);
  process.exit(2);
}

console.log(`starting a 3-node NATS cluster, the fake SMSC and ${engines} engine(s)...`);
const fleet = await startFleet({ engines, fastTimers: false, logLevel: process.env.FLEET_LOG_LEVEL ?? 'info' });

const lines = [
  '',
  `NATS cluster ${fleet.cluster.name} (JetStream, R3 streams and KV):`,
  ...fleet.cluster.nodes.map((n) => `  ${n.name}  ${n.url}  (routes 127.0.0.1:${n.routePort}, store ${n.storeDir})`),
  `  NATS_URL=${fleet.cluster.urls}`,
  '',
  `fake SMSC (plain SMPP, accepts any system_id, DELIVRD receipts): 127.0.0.1:${fleet.smsc.port}`,
  '',
  'engines:',
  ...fleet.engines.map((e, i) => `  ${fleet.instanceIds[i]}  ${e.url}   (pid ${e.child.pid})`),
  '',
  `API token: ${fleet.engines[0]?.token}`,
  `try: curl -s -H "authorization: Bearer ${fleet.engines[0]?.token}" ${fleet.engines[0]?.url}/v1/state`,
  '',
  'Ctrl-C stops everything.',
];
console.log(lines.join('\n'));

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping engines (they unbind), the fake SMSC and the NATS cluster...`);
  await fleet.close();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
