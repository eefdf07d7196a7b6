// Runs once before any test file: every NATS-backed suite needs a real nats-server binary, so fail
// early with one clear message instead of a timeout in each suite.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export default async function setup(): Promise<void> {
  const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
  try {
    const { stdout, stderr } = await run(binary, ['--version'], { timeout: 10_000 });
    const version = `${stdout}${stderr}`.trim();
    if (!/v?\d+\.\d+\.\d+/.test(version)) throw new Error(`unexpected version output: ${version}`);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : String((err as Error).message);
    throw new Error(`nats-server binary ${why}: run scripts/ensure-nats-server.sh (apt-get install nats-server)`, { cause: err });
  }
}
