// Process entry of `byo-smpp` (bin/byo-smpp.js loads it through tsx).
import { runCli } from './program.js';

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  readStdin,
  interrupted,
});
// not process.exit(): let stdout drain; nothing else keeps the loop alive once a command is done
process.exitCode = code;
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
