// The I/O floor phase of the `production` scenario: bench/io-floor-engine.ts (the engine's NATS and SMPP
// traffic per message through its own adapters, without its logic) in the engine's place, on a
// nats-server of its own and the same SMSC, with the same load. Its CPU per delivered message is what
// any engine on this stack pays; what the engine spends above it is the engine's own logic.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reapOnExit } from '../test/helpers/engine-process.js';
import { measureLoad } from './measure.js';
import type { LoadOptions, LoadResult } from './mt-load.js';
import { MtLoad } from './mt-load.js';
import { benchEngineEnv, startNats, type BenchIntegration, type GcTotals } from './processes.js';
import type { MeasuredRow } from './measure.js';
import type { FloorIntegration } from './io-floor-engine.js';

export interface FloorRun {
  r: LoadResult;
  row: MeasuredRow;
  /** nats-server's messages in and out during the measured run, per delivered message */
  natsPerMessage: { in: number; out: number };
}

/**
 * Runs the load twice (warm-up, then measured) against the floor process and stops everything it
 * started. `distDir`: run the floor from that tsc build, as the engine is.
 */
export async function runIoFloor(o: {
  smscPort: number; ca: string; integrations: number; mps: number; distDir?: string | undefined;
  warm: LoadOptions; measured: LoadOptions; smscPid: number;
  /** runs after the measured load, before anything stops (a test reads what the floor stored) */
  inspect?: (natsUrl: string) => Promise<void>;
}): Promise<FloorRun> {
  const nats = await startNats();
  const dir = await mkdtemp(join(tmpdir(), 'byo-bench-floor-'));
  const gcFile = join(dir, 'gc-stats.json');
  const list: FloorIntegration[] = Array.from({ length: o.integrations }, (_, k) => ({ org: 'bench', id: `floor${k}`, systemId: `floor${k}` }));
  const load: BenchIntegration[] = list.map((i, k) => ({ org: i.org, id: i.id, sender: `+1555${String(k).padStart(7, '0')}` }));
  const extra = benchEngineEnv();
  const entry = o.distDir ? join(o.distDir, 'bench', 'io-floor-engine.js') : join(import.meta.dirname, 'io-floor-engine.ts');
  const child = fork(entry, [], {
    execArgv: [...(o.distDir ? [] : ['--import', 'tsx']), '--import', pathToFileURL(join(import.meta.dirname, 'gc-stats.mjs')).href],
    env: {
      ...process.env, ...extra, BYO_BENCH_GC_STATS_FILE: gcFile,
      FLOOR_NATS_URL: nats.url, FLOOR_SMSC_PORT: String(o.smscPort), FLOOR_CA: o.ca, FLOOR_MPS: String(o.mps), FLOOR_INTEGRATIONS: JSON.stringify(list),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  reapOnExit(child);
  let mt: MtLoad | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('I/O floor process: not ready within 120 s')), 120_000);
      child.once('message', () => { clearTimeout(t); resolve(); });
      child.once('exit', (code) => { clearTimeout(t); reject(new Error(`I/O floor process exited (${code}) before it was ready`)); });
    });
    mt = await MtLoad.connect(nats.url);
    await mt.run(load, o.warm);
    const gcStats = () => { try { return JSON.parse(readFileSync(gcFile, 'utf8')) as GcTotals; } catch { return undefined; } };
    const floor = { pid: child.pid!, gcStats, metrics: () => Promise.reject(new Error('the floor has no /metrics')) };
    const before = await nats.msgCounts();
    const run = await measureLoad(mt, load, o.measured, { engine: child.pid, nats: nats.pid, smsc: o.smscPid, bench: process.pid }, floor);
    const after = await nats.msgCounts();
    await o.inspect?.(nats.url);
    return { ...run, natsPerMessage: { in: (after.in - before.in) / run.r.submitted, out: (after.out - before.out) / run.r.submitted } };
  } finally {
    await mt?.close();
    const exited = new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', () => resolve()); });
    if (child.connected) child.send({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    child.kill('SIGKILL');
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
