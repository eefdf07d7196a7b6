// Front door of the `byo-smpp` CLI: runCli() for tests and main.ts; bin/byo-smpp.js runs main.ts.
export { runCli, buildProgram } from './program.js';
export { EXIT, UsageError, RefusedError, parseDuration, type CliIo, type GlobalOptions } from './context.js';
