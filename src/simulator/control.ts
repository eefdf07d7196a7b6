// The simulator's control port: plain HTTP on loopback only (it has no authentication), JSON in and out.
//   GET  /status                       listen address, connections, binds, submits, faults
//   POST /mo {from, to, text, systemId?}  a handset writes: one deliver_sm per part, concatenated when long
//   POST /faults/drop                  destroy every connection (no unbind)
//   POST /faults/pause {seconds}       read PDUs and answer nothing for that long (0 ends it)
//   POST /faults/refuse-binds {refuse, status?}  answer every bind with ESME_RBINDFAIL (or status)
//   POST /faults/unanswered-submits {seconds}  read submit_sm and answer none for that long (enquire_link still answered)
//   POST /faults/throttle {seconds, status?}   answer every submit_sm with ESME_RTHROTTLED (or status) for that long
import http from 'node:http';
import type net from 'node:net';
import { isSilent, leaveSubmitsUnanswered, pauseAnswers, refuseBinds, throttleSubmits } from './faults.js';
import type { SmscSimulator } from './smsc.js';

/** the largest request body the control port reads, in bytes */
const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ControlServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startControlServer(smsc: SmscSimulator, listen: { host?: string; port?: number } = {}): Promise<ControlServer> {
  const host = listen.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the control port has no authentication: it listens on loopback only (127.0.0.1, ::1, localhost), not ${host}`);
  const server = http.createServer((req, res) => {
    handle(smsc, req).then(
      (body) => reply(res, 200, body),
      (err: unknown) => reply(res, err instanceof ControlError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: address.address, port: address.port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(smsc: SmscSimulator, req: http.IncomingMessage): Promise<unknown> {
  const route = `${req.method} ${new URL(req.url ?? '/', 'http://control').pathname}`;
  switch (route) {
    case 'GET /status': return status(smsc);
    case 'POST /mo': {
      const b = await body(req);
      const [from, to, text] = [b.from, b.to, b.text];
      if (typeof from !== 'string' || typeof to !== 'string' || typeof text !== 'string' || !from || !to || !text) {
        throw new ControlError(400, 'POST /mo needs {"from": "+447700900001", "to": "+15550001001", "text": "STOP"}');
      }
      const systemId = typeof b.systemId === 'string' ? b.systemId : undefined;
      const statuses = await smsc.sendMo({ from, to, text }, { systemId }).catch((err: Error) => {
        throw new ControlError(409, err.message);
      });
      return { parts: statuses.length, commandStatuses: statuses };
    }
    case 'POST /faults/drop': {
      const dropped = smsc.connections;
      smsc.dropAll();
      return { dropped };
    }
    case 'POST /faults/pause': {
      pauseAnswers(smsc.faults, seconds(await body(req), route) * 1000);
      return status(smsc);
    }
    case 'POST /faults/unanswered-submits': {
      leaveSubmitsUnanswered(smsc.faults, seconds(await body(req), route) * 1000);
      return status(smsc);
    }
    case 'POST /faults/throttle': {
      const b = await body(req);
      const s = seconds(b, route);
      if (b.status !== undefined && (typeof b.status !== 'number' || !Number.isInteger(b.status) || b.status <= 0)) {
        throw new ControlError(400, 'status must be a non-zero command_status, e.g. 88 (ESME_RTHROTTLED)');
      }
      throttleSubmits(smsc.faults, s * 1000, b.status as number | undefined);
      return status(smsc);
    }
    case 'POST /faults/refuse-binds': {
      const b = await body(req);
      if (typeof b.refuse !== 'boolean') throw new ControlError(400, 'POST /faults/refuse-binds needs {"refuse": true|false, "status"?: N}');
      if (b.status !== undefined && (typeof b.status !== 'number' || !Number.isInteger(b.status) || b.status <= 0)) {
        throw new ControlError(400, 'status must be a non-zero command_status, e.g. 13 (ESME_RBINDFAIL)');
      }
      refuseBinds(smsc.faults, b.refuse, b.status as number | undefined);
      return status(smsc);
    }
    default: throw new ControlError(404, `no route ${route}: GET /status, POST /mo, POST /faults/drop, POST /faults/pause, POST /faults/unanswered-submits, POST /faults/throttle, POST /faults/refuse-binds`);
  }
}

export function status(smsc: SmscSimulator) {
  return {
    listen: `${smsc.host}:${smsc.port}`, tls: smsc.opts.tls !== undefined,
    connections: smsc.connections, bound: smsc.connectionList().filter((c) => c.bound).length,
    submits: smsc.submitCount,
    faults: {
      silentForMs: isSilent(smsc.faults) ? smsc.faults.silentUntil - Date.now() : 0,
      refuseBindsStatus: smsc.faults.refuseBindsStatus ?? null,
      submitsUnansweredForMs: Math.max(0, smsc.faults.submitsUnansweredUntil - Date.now()),
      throttledForMs: Math.max(0, smsc.faults.throttledUntil - Date.now()),
    },
  };
}

/** `{"seconds": N}` with 0 <= N <= 86400 */
function seconds(b: Record<string, unknown>, route: string): number {
  const s = b.seconds;
  if (typeof s !== 'number' || !(s >= 0) || s > 86_400) throw new ControlError(400, `${route} needs {"seconds": N} with 0 <= N <= 86400`);
  return s;
}

async function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new ControlError(413, `request body over ${MAX_CONTROL_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ControlError(400, 'the body must be a JSON object');
}
