// The fake SMSC in a process of its own, so in the throughput scenarios it has its own event loop (as a
// real SMSC would) and does not share one with the load generator. Started by bench/outbound.ts with
// child_process.fork; talks over the IPC channel:
//   child → parent  { type: 'ready', port }
//   parent → child  { type: 'stats' }   child → parent  { type: 'stats', submitCount, bound }
//   parent → child  { type: 'close' }   (the child closes the SMSC and exits)
import { startSimulator } from '../src/simulator/index.js';

export type FakeSmscRequest = { type: 'stats' } | { type: 'close' };
export type FakeSmscReply =
  | { type: 'ready'; port: number }
  | { type: 'stats'; submitCount: number; bound: number; connections: number };

const send = (m: FakeSmscReply) => process.send?.(m);

// FAKE_SMSC_RECEIPTS=1: a DELIVRD receipt right behind each submit_sm_resp;
// FAKE_SMSC_TLS_KEY / FAKE_SMSC_TLS_CERT (PEM): serve TLS
const tlsKey = process.env.FAKE_SMSC_TLS_KEY;
const tlsCert = process.env.FAKE_SMSC_TLS_CERT;
const smsc = await startSimulator({
  recordSubmits: false,
  ...(process.env.FAKE_SMSC_RECEIPTS === '1' ? { autoDlr: true } : {}),
  ...(tlsKey && tlsCert ? { tls: { key: tlsKey, cert: tlsCert } } : {}),
});
process.on('message', (m: FakeSmscRequest) => {
  if (m.type === 'stats') {
    send({ type: 'stats', submitCount: smsc.submitCount, bound: smsc.connectionList().filter((c) => c.bound).length, connections: smsc.connections });
  } else if (m.type === 'close') {
    void smsc.close().finally(() => process.exit(0));
  }
});
// the parent went away: do not linger
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: smsc.port });
