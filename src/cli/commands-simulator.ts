// `byo-smpp simulator`: run the SMSC simulator (src/simulator) in the foreground, and talk to a running
// one through its control port (inject MO, trigger faults).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  SIMULATOR_PRESETS, selfSignedCertificate, startControlServer, startSimulator, type ReceiptStat, type SimulatorAccount,
  type SimulatorOptions, type SimulatorPreset,
} from '../simulator/index.js';
import { CLI_HTTP_TIMEOUT_MS, RefusedError, UsageError, type Context } from './context.js';
import type { Action } from './program.js';

const RECEIPT_STATS: readonly ReceiptStat[] = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'DELETED', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'ENROUTE'];

export function hostPort(s: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${what} must be HOST:PORT (e.g. 127.0.0.1:2776), not ${s}`);
  return { host: (m[1] ?? m[2])!, port };
}

function account(s: string, all: SimulatorAccount[] = []): SimulatorAccount[] {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new UsageError(`--account must be SYSTEMID:PASSWORD, not ${s.replace(/:.*/, ':…')}`);
  return [...all, { systemId: s.slice(0, i), password: s.slice(i + 1) }];
}

const int = (name: string) => (s: string): number => {
  if (!/^\d+$/.test(s)) throw new UsageError(`${name} must be a whole number, not ${s}`);
  return Number(s);
};

export function simulatorCommands(program: Command, act: Action): void {
  const sim = program.command('simulator').description('an SMPP 3.4 SMSC for trials: binds, submits, receipts, MO, faults (its options: simulator run --help)');
  // `simulator [options]` runs it (a default subcommand, so its --control does not swallow the one of `simulator mo`)
  sim.command('run', { isDefault: true }).description('run the simulator in the foreground until Ctrl-C (the default)')
    .option('--listen <host:port>', 'where to accept SMPP', '127.0.0.1:2776')
    .option('--account <systemId:password>', 'an accepted account (repeat for more); none: any account binds', account)
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (with --tls-key)').option('--tls-key <file>', 'PEM private key')
    .option('--tls-self-signed', 'serve TLS with a generated self-signed certificate (printed, for tls.ca)')
    .option('--receipt-delay <ms>', 'send each delivery receipt this long after the submit_sm_resp', int('--receipt-delay'), 0)
    .option('--receipt-stat <stat>', `receipt outcome: ${RECEIPT_STATS.join('|')}`, 'DELIVRD')
    .option('--no-receipts', 'never send delivery receipts')
    .option('--drop-refused-receipts', 'never resend a receipt the ESME refused (as several real SMSCs do)')
    .option('--throttle-every <n>', 'answer every Nth submit_sm with ESME_RTHROTTLED', int('--throttle-every'))
    .option('--preset <name>', `a canned behaviour: ${Object.keys(SIMULATOR_PRESETS).join(', ')}`)
    .option('--control <host:port>', 'HTTP control port on loopback (MO, faults); port 0 picks one')
    .action(act(async (ctx, o) => runSimulator(ctx, o)));

  const control = (c: Command) => c.requiredOption('--control <host:port>', 'the simulator\'s control port');
  control(sim.command('mo').description('a handset sends a message (long ones go as concatenated parts)'))
    .requiredOption('--from <e164>', 'the handset').requiredOption('--to <e164>', 'the number it writes to (the integration\'s sender)')
    .requiredOption('--text <text>', 'the message').option('--system-id <id>', 'deliver on a bind of this account')
    .action(act(async (ctx, o) => {
      const r = await controlCall(ctx, o.control, '/mo', { from: o.from, to: o.to, text: o.text, systemId: o.systemId });
      ctx.print(r, () => `delivered in ${r.parts} part(s), deliver_sm_resp command_status ${r.commandStatuses.join(', ')}`);
    }));
  control(sim.command('drop').description('fault: drop every connection (no unbind)'))
    .action(act(async (ctx, o) => {
      const r = await controlCall(ctx, o.control, '/faults/drop', {});
      ctx.print(r, () => `dropped ${r.dropped} connection(s)`);
    }));
  control(sim.command('pause').description('fault: stop answering anything for N seconds (0 ends it)'))
    .argument('<seconds>', 'how long', int('seconds'))
    .action(act(async (ctx, o, seconds: number) => {
      const r = await controlCall(ctx, o.control, '/faults/pause', { seconds });
      ctx.print(r, () => (seconds > 0 ? `not answering for ${seconds} s` : 'answering again'));
    }));
  control(sim.command('refuse-binds').description('fault: answer every bind with ESME_RBINDFAIL (--off: accept again)'))
    .option('--status <n>', 'answer with this command_status instead', int('--status')).option('--off', 'accept binds again')
    .action(act(async (ctx, o) => {
      const r = await controlCall(ctx, o.control, '/faults/refuse-binds', { refuse: !o.off, status: o.status });
      ctx.print(r, () => (o.off ? 'accepting binds again' : `refusing binds with command_status ${r.faults.refuseBindsStatus}`));
    }));
  control(sim.command('status').description('listen address, connections, binds, submits, faults'))
    .action(act(async (ctx, o) => {
      const r = await controlCall(ctx, o.control, '/status');
      ctx.print(r, () => `${r.listen} (${r.tls ? 'tls' : 'plain'}): ${r.connections} connection(s), ${r.bound} bound, ${r.submits} submit_sm`);
    }));
}

async function controlCall(ctx: Context, control: string, route: string, body?: unknown): Promise<any> {
  const { host, port } = hostPort(control, '--control');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${route}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST', signal: AbortSignal.timeout(CLI_HTTP_TIMEOUT_MS),
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  } catch (err) {
    throw new RefusedError(`cannot reach the simulator's control port ${control}: ${(err as { cause?: { code?: string } }).cause?.code ?? String(err)}`, 'UNREACHABLE');
  }
  const r = await res.json().catch(() => ({})) as any;
  if (!res.ok) throw new RefusedError(r.error ?? `HTTP ${res.status}`, `HTTP_${res.status}`, res.status);
  return r;
}

async function runSimulator(ctx: Context, o: Record<string, any>): Promise<void> {
  const listen = hostPort(o.listen, '--listen');
  if (o.preset !== undefined && !(o.preset in SIMULATOR_PRESETS)) throw new UsageError(`--preset must be one of ${Object.keys(SIMULATOR_PRESETS).join(', ')}`);
  if (!RECEIPT_STATS.includes(o.receiptStat)) throw new UsageError(`--receipt-stat must be one of ${RECEIPT_STATS.join(', ')}`);
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
  if (o.tlsCert && o.tlsSelfSigned) throw new UsageError('--tls-self-signed or --tls-cert/--tls-key, not both');
  const control = o.control ? hostPort(o.control, '--control') : undefined;
  let tls: SimulatorOptions['tls'];
  if (o.tlsSelfSigned) tls = await selfSignedCertificate(listen.host);
  else if (o.tlsCert) {
    try {
      tls = { cert: readFileSync(o.tlsCert, 'utf8'), key: readFileSync(o.tlsKey, 'utf8') };
    } catch (err) {
      throw new UsageError(`cannot read the TLS certificate or key: ${(err as Error).message}`);
    }
  }
  const stat = o.receiptStat as ReceiptStat;
  const smsc = await startSimulator({
    preset: o.preset as SimulatorPreset | undefined, host: listen.host, port: listen.port, tls, accounts: o.account,
    autoDlr: o.receipts === false ? false : { delayMs: o.receiptDelay, outcome: () => stat, retryRefused: !o.dropRefusedReceipts },
    throttle: o.throttleEvery ? { everyNth: o.throttleEvery } : undefined, recordSubmits: false,
  }).catch((err: Error) => {
    throw new RefusedError(`cannot listen on ${o.listen}: ${err.message}`, 'LISTEN_FAILED');
  });
  const controlServer = control ? await startControlServer(smsc, control).catch(async (err: Error) => {
    await smsc.close();
    throw new RefusedError(`cannot start the control port on ${o.control}: ${err.message}`, 'LISTEN_FAILED');
  }) : undefined;
  const info = { listen: `${smsc.host}:${smsc.port}`, tls: tls !== undefined, control: controlServer && `${controlServer.host}:${controlServer.port}`, certificate: o.tlsSelfSigned ? tls!.cert : undefined };
  if (ctx.json) ctx.printLine(info, () => '');
  else {
    if (o.tlsSelfSigned) ctx.out(`self-signed certificate (put it in the integration's tls.ca):\n${tls!.cert.trim()}`);
    if (controlServer) ctx.out(`control port http://${info.control} (byo-smpp simulator mo --control ${info.control} …)`);
    ctx.out(`SMSC simulator listening on ${info.listen} (${tls ? 'tls' : 'plain'})`);
  }
  await ctx.io.interrupted;
  await controlServer?.close();
  await smsc.close();
}
