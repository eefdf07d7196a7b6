// Every `byo-smpp` command against a running engine process, a real nats-server, and the SMSC simulator
// run by the CLI itself (`byo-smpp simulator` as a child process). Commands run in-process through
// runCli (the same code bin/byo-smpp.js runs) so their output and exit codes can be read; the bin
// itself is run for --help, a usage error and the simulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js';
import { bounded, eventually, removeDir, startEngine, TEST_TOKEN, type EngineProcess } from '../helpers/engine-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SENDER = '+15550002001';
const HANDSET = '+447700900777';

let nats: TestNatsServer;
let engine: EngineProcess;
let sim: { child: ChildProcess; port: number; control: string; out: () => string };
let dir: string;
let id: string;

/** runs one command line in-process; stdin for --password-stdin and `--file -` */
async function cli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string; json: () => any }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: (t) => { out += t; }, stderr: (t) => { err += t; },
    env: { BYO_URL: engine.url, BYO_API_TOKEN: TEST_TOKEN, NATS_URL: nats.url, NO_COLOR: '1', ...env },
    readStdin: async () => stdin, interrupted: new Promise<void>(() => undefined),
  });
  return { code, out, err, json: () => JSON.parse(out) };
}

function runBin(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['bin/byo-smpp.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  return bounded(new Promise((resolve) => child.once('exit', (code) => resolve({ code, out }))), 30_000, `byo-smpp ${args.join(' ')}`);
}

async function startSimulatorCli(): Promise<typeof sim> {
  const child = spawn(process.execPath, ['bin/byo-smpp.js', 'simulator', '--listen', '127.0.0.1:0', '--account', 'acme:secret1', '--control', '127.0.0.1:0', '--receipt-delay', '100'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const ready = await eventually(() => /SMSC simulator listening on 127\.0\.0\.1:(\d+) \(plain\)/.exec(out), { timeoutMs: 30_000, what: `simulator ready line; output so far: ${out}` });
  const control = /control port http:\/\/(127\.0\.0\.1:\d+)/.exec(out)![1]!;
  return { child, port: Number(ready[1]), control, out: () => out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'byo-cli-'));
  nats = await startNatsServer();
  sim = await startSimulatorCli();
  engine = await startEngine({ NATS_URL: nats.url, BYO_EXTRA_PORTS: String(sim.port), BYO_ALLOW_PLAINTEXT: '1' });
}, 90_000);

afterAll(async () => {
  await engine?.stop().catch(() => undefined);
  sim?.child.kill('SIGINT');
  await nats?.stop();
  if (engine) removeDir(engine.dataDir);
  rmSync(dir, { recursive: true, force: true });
});

describe('byo-smpp against a running engine', () => {
  it('--help on the program and on a command; a usage error exits 2 (the bin itself)', async () => {
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['integrations', 'numbers', 'state', 'events', 'send', 'trace', 'subscribers', 'simulator']) expect(help.out).toContain(c);
    expect((await runBin(['send', '--help'])).out).toContain('--follow');
    const usage = await runBin(['integrations', 'list']);
    expect(usage).toMatchObject({ code: 2, out: expect.stringContaining("required option '--org <org>'") });
  }, 60_000);

  it('the engine printed its startup banner (HTTP URL, token, NATS, data dir) without the token itself', () => {
    expect(engine.logs()).toContain(`HTTP API   ${engine.url}`);
    expect(engine.logs()).toContain('API token  from BYO_API_TOKEN');
    expect(engine.logs()).toContain(`NATS       ${nats.url} (external)`);
    expect(engine.logs()).not.toContain(TEST_TOKEN);
  });

  it('integrations create (YAML), credentials (stdin), list, show, update', async () => {
    const file = join(dir, 'integration.yaml');
    writeFileSync(file, `name: CLI test\nsmscAddress: 127.0.0.1\nsmscPort: ${sim.port}\ntls: false\nmessagesPerSecond: 50\n`);
    const created = await cli(['--json', 'integrations', 'create', '--org', 'acme', '--file', file]);
    expect(created.code, created.err).toBe(0);
    id = created.json().id;
    const creds = await cli(['--json', 'integrations', 'credentials', '--org', 'acme', '--system-id', 'acme', '--password-stdin', id], 'secret1\n');
    expect(creds.json().credentials).toEqual({ systemId: 'acme', passwordSet: true });
    expect(creds.out).not.toContain('secret1');
    const list = await cli(['integrations', 'list', '--org', 'acme']);
    expect(list.out).toContain(id);
    expect(list.out).toContain(`127.0.0.1:${sim.port}`);
    expect((await cli(['integrations', 'show', '--org', 'acme', id])).out).toMatch(/name\s+CLI test/);
    writeFileSync(join(dir, 'patch.json'), JSON.stringify({ notes: 'patched by the CLI' }));
    expect((await cli(['--json', 'integrations', 'update', '--org', 'acme', '--file', join(dir, 'patch.json'), id])).json().notes).toBe('patched by the CLI');
  });

  it('the engine refusing exits 1 with its code and message', async () => {
    const r = await cli(['integrations', 'show', '--org', 'acme', 'no-such-id']);
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });
    const bad = await cli(['integrations', 'create', '--org', 'acme', '--file', '-'], 'name: x\nsmscAddress: h\nsmscPort: 1\n');
    expect(bad).toMatchObject({ code: 1, err: expect.stringMatching(/VALIDATION_FAILED.*smscPort/) });
    expect((await cli(['integrations', 'create', '--org', 'acme', '--file', join(dir, 'missing.yaml')])).code).toBe(2);
  });

  it('takes an org token (--token or BYO_API_TOKEN): its own org answers, another org is 404', async () => {
    const minted = await engine.api('POST', '/v1/orgs/acme/tokens', { name: 'cli' });
    expect(minted.status).toBe(201);
    const own = await cli(['--token', minted.body.token, 'integrations', 'list', '--org', 'acme']);
    expect(own.code, own.err).toBe(0);
    expect(own.out).toContain(id);
    const other = await cli(['integrations', 'list', '--org', 'globex'], '', { BYO_API_TOKEN: minted.body.token });
    expect(other).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });
  });

  it('numbers import, list, show; activate; state tree', async () => {
    const imported = await cli(['numbers', 'import', '--org', 'acme', '--integration', id, '--type', 'local', '--sender', SENDER]);
    expect(imported.code, imported.err).toBe(0);
    expect((await cli(['numbers', 'list', '--org', 'acme'])).out).toContain(SENDER);
    expect((await cli(['--json', 'numbers', 'show', '--org', 'acme', SENDER])).code).toBe(0);
    expect((await cli(['integrations', 'activate', '--org', 'acme', id])).code).toBe(0);
    let last = '';
    await eventually(async () => (last = (await cli(['--json', 'state', '--org', 'acme', id])).out) && JSON.parse(last).state === 'active', { timeoutMs: 30_000, what: 'active' })
      .catch((err: Error) => { throw new Error(`${err.message}; last state ${last}; engine log tail:\n${engine.logs().slice(-3000)}`); });
    const tree = await cli(['state', '--org', 'acme']);
    expect(tree.out).toContain('acme');
    expect(tree.out).toMatch(new RegExp(`${id}\\s+active`));
    expect(tree.out.match(/bind-\d\s+bound/g)).toHaveLength(3);
    // the instances GET /v1/state is built from, above the tree: this engine answers itself
    expect(tree.out).toMatch(/instance\s*│\s*status\s*│\s*snapshot age/);
    expect(tree.out).toMatch(/e2e\s*│\s*live\s*│\s*0 ms/);
    expect(tree.out.indexOf('snapshot age')).toBeLessThan(tree.out.indexOf(id));
    const json = (await cli(['--json', 'state', '--org', 'acme'])).json();
    expect(json.instances).toEqual([{ id: 'e2e', live: true, snapshotAgeMs: 0 }]);
    expect(json.integrations.map((v: { id: string }) => v.id)).toContain(id);
  }, 60_000);

  it('send --follow prints submitted then delivered; trace shows its timeline, and 404 for an unknown message', async () => {
    const r = await cli(['--json', 'send', '--org', 'acme', '--integration', id, '--from', SENDER, '--to', '+447700900001', '--text', 'hi from the CLI', '--id', 'cli-1', '--follow', '--timeout', '30s']);
    expect(r.code, r.err).toBe(0);
    const states = r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((s) => s.state).map((s) => s.state);
    expect(states).toEqual(['submitted', 'delivered']);
    const traced = await cli(['--json', 'trace', '--org', 'acme', '--integration', id, 'cli-1']);
    expect(traced.code, traced.err).toBe(0);
    const timeline = (JSON.parse(traced.out) as { timeline: { kind: string; status?: string; smscMessageId?: string }[] }).timeline;
    expect(timeline.map((e) => e.kind), JSON.stringify(timeline)).toEqual(['received', 'submit_sm', 'submit_sm_resp', 'status', 'receipt', 'status']);
    expect(timeline.at(-1)).toMatchObject({ kind: 'status', status: 'delivered' });
    expect(timeline[2]!.smscMessageId).toBeTruthy();
    const human = await cli(['trace', '--org', 'acme', '--integration', id, 'cli-1']);
    expect(human.out).toContain('message cli-1');
    expect(human.out).toMatch(/received[\s\S]*submit_sm[\s\S]*delivered/);
    const trace = await cli(['trace', '--org', 'acme', '--integration', id, 'no-such-message']);
    expect(trace).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });
  }, 60_000);

  it('events tail prints one line per event of the integration', async () => {
    const r = await cli(['events', 'tail', '--org', 'acme', '--integration', id, '--since', '10m', '--no-follow']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`acme/${id}\\s+integration acme\\.${id}\\s+.*active`));
    expect(r.out).toMatch(/bind acme\.[^ ]+\.bind-0\s+.*bound/);
    const json = await cli(['--json', 'events', 'tail', '--kind', 'bind', '--integration', id, '--since', '10m', '--no-follow']);
    const events = json.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.actor.kind === 'bind')).toBe(true);
  });

  it('simulator mo sends STOP; subscribers show tells the handset opted out', async () => {
    const mo = await cli(['--json', 'simulator', 'mo', '--control', sim.control, '--from', HANDSET, '--to', SENDER, '--text', 'STOP']);
    expect(mo.json()).toEqual({ parts: 1, commandStatuses: [0] });
    await eventually(async () => (await cli(['--json', 'subscribers', 'show', '--org', 'acme', SENDER, HANDSET])).json().state === 'optedOut', { what: 'opted out' });
    expect((await cli(['subscribers', 'show', '--org', 'acme', SENDER, HANDSET])).out).toContain('optOut');
  });

  it('simulator faults: drop takes the binds down, refuse-binds keeps them down, status and pause answer', async () => {
    expect((await cli(['simulator', 'status', '--control', sim.control])).out).toMatch(/3 bound/);
    expect((await cli(['--json', 'simulator', 'refuse-binds', '--control', sim.control])).json().faults.refuseBindsStatus).toBe(13);
    expect((await cli(['--json', 'simulator', 'drop', '--control', sim.control])).json().dropped).toBe(3);
    await eventually(async () => (await cli(['--json', 'state', '--org', 'acme', id])).json().binds.every((b: { state: string }) => b.state !== 'bound'), { what: 'binds down' });
    // each failing bind's reason is logged at warn (rate-limited: BYO_BIND_FAILURE_LOG_INTERVAL_MS)
    await eventually(() => /"level":40[^\n]*"msg":"bind \d failed: [^"]+"/.test(engine.logs()), { what: 'a warn line naming why a bind failed' });
    expect((await cli(['simulator', 'refuse-binds', '--off', '--control', sim.control])).code).toBe(0);
    expect((await cli(['--json', 'simulator', 'pause', '0', '--control', sim.control])).json().faults.silentForMs).toBe(0);
    expect((await cli(['simulator', 'pause', 'soon', '--control', sim.control])).code).toBe(2);
  }, 60_000);

  it('numbers release, integrations deactivate and delete', async () => {
    expect((await cli(['integrations', 'deactivate', '--org', 'acme', id])).code).toBe(0);
    expect((await cli(['numbers', 'release', '--org', 'acme', SENDER])).out).toContain(`released ${SENDER}`);
    const del = await cli(['integrations', 'delete', '--org', 'acme', id]);
    expect(del.code, del.err).toBe(0);
    await eventually(async () => (await cli(['integrations', 'show', '--org', 'acme', id])).code === 1, { what: 'deleted' });
  }, 60_000);
});
