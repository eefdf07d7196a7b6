// A local `nats-server -js` as a child process: the engine's fallback when NATS_URL is unset and
// nothing answers on the default URL, and the server behind every NATS test. Readiness and the port
// come from the server's own log ("Listening for client connections on", "Server is ready"), so
// `-p -1` picks a free port without a probe-then-bind race and nothing polls.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

export const NATS_SERVER_MISSING =
  'nats-server binary not found: run scripts/ensure-nats-server.sh (apt-get install nats-server)';

export type NatsServerErrorCode = 'NATS_SERVER_NOT_FOUND' | 'NATS_SERVER_START_FAILED';

export class NatsServerError extends Error {
  override name = 'NatsServerError';
  constructor(readonly code: NatsServerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface NatsServerChildOptions {
  /** JetStream store directory (`-sd`); created when missing */
  storeDir: string;
  host?: string;
  /** unset: the server picks a free port */
  port?: number;
  binary?: string;
  readyTimeoutMs?: number;
  /** how long SIGTERM may take before SIGKILL */
  stopTimeoutMs?: number;
  extraArgs?: readonly string[];
  /** receives the server's log lines at debug level */
  logger?: Logger;
}

export interface NatsServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NatsServerChild {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly version: string | undefined;
  /** settles when the process ends, whoever ended it */
  readonly exited: Promise<NatsServerExit>;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the process is gone */
  stop(): Promise<void>;
}

const TAIL_LINES = 20;

export async function startNatsServerChild(opts: NatsServerChildOptions): Promise<NatsServerChild> {
  const host = opts.host ?? '127.0.0.1';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 5_000;
  await mkdir(opts.storeDir, { recursive: true });
  const args = ['-a', host, '-p', String(opts.port ?? -1), '-js', '-sd', opts.storeDir, ...(opts.extraArgs ?? [])];
  const child = spawn(opts.binary ?? 'nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });

  const tail: string[] = [];
  const tailText = () => (tail.length ? `; last log lines:\n${tail.join('\n')}` : '');
  let port: number | undefined;
  let version: string | undefined;
  let ready = false;

  const exited = new Promise<NatsServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // spawn failures (ENOENT) emit 'error' and never 'exit'
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  // Kill the child with us if the process ends without calling stop(): a stray server would keep
  // the port and the store lock.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const untilReady = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new NatsServerError('NATS_SERVER_START_FAILED', `nats-server did not become ready within ${readyTimeoutMs} ms${tailText()}`));
    }, readyTimeoutMs);
    const fail = (err: NatsServerError) => {
      clearTimeout(timer);
      reject(err);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      fail(err.code === 'ENOENT'
        ? new NatsServerError('NATS_SERVER_NOT_FOUND', NATS_SERVER_MISSING, { cause: err })
        : new NatsServerError('NATS_SERVER_START_FAILED', `could not start nats-server: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      if (!ready) fail(new NatsServerError('NATS_SERVER_START_FAILED', `nats-server exited (code ${code}, signal ${signal}) before it was ready${tailText()}`));
    });
    // The log must be read for the child's whole life: a full stderr pipe would block the server.
    createInterface({ input: child.stderr }).on('line', (line) => {
      opts.logger?.debug({ pid: child.pid }, line);
      if (ready) return;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      version ??= /Version:\s+(\S+)/.exec(line)?.[1];
      const listening = /Listening for client connections on \S+:(\d+)/.exec(line);
      if (listening) port = Number(listening[1]);
      if (line.includes('Server is ready') && port !== undefined) {
        ready = true;
        clearTimeout(timer);
        resolve(port);
      }
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), stopTimeoutMs); });
    if ((await Promise.race([exited, timedOut])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  })());

  let boundPort: number;
  try {
    boundPort = await untilReady;
  } catch (err) {
    await stop();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `nats://${urlHost}:${boundPort}`,
    host,
    port: boundPort,
    pid: child.pid!,
    version,
    exited,
    stop,
  };
}
