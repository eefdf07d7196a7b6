// `npm run demo -- --once` as a user runs it: NATS child, simulator, engine process, the walk-through;
// exit 0 with every step printed. A broken engine setting makes it exit 1 naming the failed step.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounded } from '../helpers/engine-process.js';

const ROOT = join(import.meta.dirname, '..', '..');

function demo(env: Record<string, string> = {}, args: string[] = ['--once']): Promise<{ code: number | null; out: string }> {
  const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  return bounded(new Promise((resolve) => child.once('exit', (code) => resolve({ code, out }))), 150_000, `npm run demo -- ${args.join(' ')}`);
}

describe('npm run demo -- --once', () => {
  it('walks through every step and exits 0', async () => {
    const { code, out } = await demo();
    expect(code, out).toBe(0);
    for (const id of ['demo-short', 'demo-long', 'demo-emoji']) {
      expect(out).toMatch(new RegExp(`${id}\\s+submitted`));
      expect(out).toMatch(new RegExp(`${id}\\s+delivered`));
    }
    expect(out).toMatch(/demo-long\s+delivered\s+segments 3/);
    expect(out).toContain('auto-response to +447700900456: "You have successfully been unsubscribed.');
    expect(out).toMatch(/demo-after-stop\s+rejected .*RECIPIENT_OPTED_OUT/);
    expect(out).toMatch(/console: http:\/\/127\.0\.0\.1:\d+\/console — sign in with the API token in \S+api-token/);
    expect(out).toContain('every step succeeded');
  }, 160_000);

  it('exits non-zero naming the step that failed', async () => {
    const { code, out } = await demo({ BYO_HTTP: 'not-an-address' });
    expect(code, out).toBe(1);
    expect(out).toMatch(/demo failed at step \[3\] start the engine: the engine exited with code 2/);
    expect(out).toContain('BYO_HTTP must be host:port');
  }, 160_000);

  it('refuses an unknown argument with exit 2', async () => {
    expect(await demo({}, ['--twice'])).toMatchObject({ code: 2, out: expect.stringContaining('unknown argument(s): --twice') });
  }, 60_000);
});
