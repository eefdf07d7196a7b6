// The `byo-smpp` command line: global options, the commands, and the exit codes (0 success, 1 refused by
// the engine/NATS/simulator with its code and message, 2 usage error). runCli never calls process.exit.
import { Command, CommanderError, Option } from 'commander';
import { Context, EXIT, RefusedError, UsageError, type CliIo } from './context.js';
import { integrationCommands, lookupCommands, numberCommands } from './commands-admin.js';
import { eventsCommand, sendCommand } from './commands-nats.js';
import { simulatorCommands } from './commands-simulator.js';

/** wraps a command body: (ctx, its options, its arguments...) */
export type Action = (fn: (ctx: Context, opts: any, ...args: any[]) => Promise<void>) => (...commanderArgs: any[]) => Promise<void>;

export function buildProgram(io: CliIo): Command {
  const program = new Command('byo-smpp')
    .description('Operate a byo-smpp engine: integrations, numbers, state, events, messages, and an SMSC simulator')
    .addOption(new Option('--url <url>', 'engine HTTP API (default: BYO_URL or http://127.0.0.1:8080)'))
    .addOption(new Option('--token <token>', 'API token (default: BYO_API_TOKEN or the engine\'s token file)'))
    .addOption(new Option('--token-file <file>', 'file holding the API token (default: $BYO_DATA_DIR/api-token, .data/api-token)'))
    .addOption(new Option('--nats <url>', 'NATS for send and events (default: NATS_URL or nats://127.0.0.1:4222)'))
    .option('--json', 'machine-readable output (JSON; JSON Lines for streams)')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const act: Action = (fn) => async (...args: any[]) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = new Context(io, cmd.optsWithGlobals());
    await fn(ctx, cmd.opts(), ...args.slice(0, -2));
  };
  integrationCommands(program, act);
  numberCommands(program, act);
  lookupCommands(program, act);
  sendCommand(program, act);
  eventsCommand(program, act);
  simulatorCommands(program, act);
  return program;
}

/** runs one command line (argv without node and the script); resolves with the exit code */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof RefusedError) {
      io.stderr(`error: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
      return EXIT.refused;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.refused;
  }
}
