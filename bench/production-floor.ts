// The I/O floor: bench/io-floor-engine.ts (the engine's NATS and SMPP traffic per message through its own
// adapters, without its logic) in the engine's place, on a nats-server of its own and the same SMSC, with
// the same load (the `production` scenario) or none (idle-scale's IDLE_SCALE_FLOOR). Its CPU per delivered
// message, and its memory per idle integration, are what any engine on this stack pays; what the engine
// spends above them is its own logic.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reapOnExit } from '../test/helpers/engine-process.js';
import { measureLoad, type MeasuredRow } from './measure.js';
import { CpuMeter } from './stats.js';
import { MtLoad, type LoadOptions, type LoadResult } from './mt-load.js';
import { SHIPPED_MALLOC_MMAP_THRESHOLD, benchEngineEnv, readGcTotals, withoutEmpty, startNats, type BenchIntegration, type BenchNats, type GcTotals } from './processes.js';
import type { FloorIntegration, FloorMemory } from './io-floor-engine.js';

export interface IoFloor {
  pid: number;
  nats: BenchNats;
  /** what a user publishes to: the floor's integrations with a sender each */
  integrations: BenchIntegration[];
  gcStats(): GcTotals | undefined;
  /** the floor process's own view of its memory (process.memoryUsage) */
  memory(): Promise<FloorMemory>;
  stop(): Promise<void>;
}

/** Starts a nats-server and the floor process with `integrations` integrations, resolved once every bind is bound. */
export async function startIoFloor(o: {
  smscPort: number; ca: string; integrations: number; mps: number; distDir?: string | undefined;
  /** an enquire_link per bind this often (ms), spread evenly; none when absent */
  keepAliveMs?: number | undefined;
  /** binds brought up per second (the engine's bind-attempt budget); absent: as fast as they come */
  bindsPerSecond?: number | undefined;
}): Promise<IoFloor> {
  const nats = await startNats();
  const dir = await mkdtemp(join(tmpdir(), 'byo-bench-floor-'));
  const gcFile = join(dir, 'gc-stats.json');
  const list: FloorIntegration[] = Array.from({ length: o.integrations }, (_, k) => ({ org: 'bench', id: `floor${k}`, systemId: `floor${k}` }));
  const entry = o.distDir ? join(o.distDir, 'bench', 'io-floor-engine.js') : join(import.meta.dirname, 'io-floor-engine.ts');
  const child = fork(entry, [], {
    execArgv: [...(o.distDir ? [] : ['--import', 'tsx']), '--import', pathToFileURL(join(import.meta.dirname, 'gc-stats.mjs')).href],
    env: withoutEmpty({
      ...process.env, MALLOC_MMAP_THRESHOLD_: SHIPPED_MALLOC_MMAP_THRESHOLD, ...benchEngineEnv(), BYO_BENCH_GC_STATS_FILE: gcFile,
      FLOOR_NATS_URL: nats.url, FLOOR_SMSC_PORT: String(o.smscPort), FLOOR_CA: o.ca, FLOOR_MPS: String(o.mps), FLOOR_INTEGRATIONS: JSON.stringify(list),
      ...(o.keepAliveMs ? { FLOOR_KEEPALIVE_MS: String(o.keepAliveMs) } : {}),
      ...(o.bindsPerSecond ? { FLOOR_BINDS_PER_SECOND: String(o.bindsPerSecond) } : {}),
    }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  reapOnExit(child);
  const stop = async () => {
    const exited = new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', () => resolve()); });
    if (child.connected) child.send({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    child.kill('SIGKILL');
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('I/O floor process: not ready within 15 min')), 15 * 60_000);
      const onMessage = (m: { type: string }) => {
        if (m.type !== 'ready') return;
        clearTimeout(t);
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.once('exit', (code) => { clearTimeout(t); reject(new Error(`I/O floor process exited (${code}) before it was ready`)); });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid!, nats, stop,
    integrations: list.map((i, k) => ({ org: i.org, id: i.id, sender: `+1555${String(k).padStart(7, '0')}` })),
    gcStats: () => readGcTotals(gcFile),
    memory: () => new Promise<FloorMemory>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('I/O floor process: no memory reply within 10 s')), 10_000);
      const onMessage = (m: { type: string } & FloorMemory) => {
        if (m.type !== 'memory') return;
        clearTimeout(t);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    }),
  };
}

export interface FloorRun {
  r: LoadResult;
  row: MeasuredRow;
  /** nats-server's messages in and out during the measured run, per delivered message */
  natsPerMessage: { in: number; out: number };
}

/** Runs the load twice (warm-up, then measured) against the floor and stops everything it started. */
export async function runIoFloor(o: {
  smscPort: number; ca: string; integrations: number; mps: number; distDir?: string | undefined;
  warm: LoadOptions; measured: LoadOptions; smscPid: number;
  /** runs after the measured load, before anything stops (a test reads what the floor stored) */
  inspect?: (natsUrl: string) => Promise<void>;
}): Promise<FloorRun> {
  const floor = await startIoFloor(o);
  let mt: MtLoad | undefined;
  try {
    mt = await MtLoad.connect(floor.nats.url);
    await mt.run(floor.integrations, o.warm);
    const before = await floor.nats.msgCounts();
    const metrics = () => Promise.reject(new Error('the floor has no /metrics'));
    const pids = { engine: floor.pid, nats: floor.nats.pid, smsc: o.smscPid, bench: process.pid };
    const run = await measureLoad(mt, floor.integrations, o.measured, pids, { pid: floor.pid, gcStats: floor.gcStats, metrics });
    const after = await floor.nats.msgCounts();
    await o.inspect?.(floor.nats.url);
    return { ...run, natsPerMessage: { in: (after.in - before.in) / run.r.submitted, out: (after.out - before.out) / run.r.submitted } };
  } finally {
    await mt?.close();
    await floor.stop();
  }
}

export interface IdleFloor {
  bindsUpS: number;
  /** above a floor with one integration, per integration: KB RSS and KB V8 heap used */
  kbPerIntegration: number;
  heapKbPerIntegration: number;
  /** % of a core over the window */
  cpuPct: number;
}

/**
 * The floor idle: `count` integrations, each its 3 verified TLS binds and its MT pull consumer, no message
 * flowing (keep-alives every `keepAliveMs`, if given), against a floor with one integration started the same way first.
 */
export async function measureIdleFloor(o: {
  smscPort: number; ca: string; count: number; settleS: number; windowS: number; distDir?: string | undefined;
  keepAliveMs?: number | undefined; bindsPerSecond?: number | undefined;
}): Promise<IdleFloor> {
  const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  const one = await startIoFloor({ ...o, integrations: 1, mps: 100 });
  let base: FloorMemory;
  try {
    await sleep(o.settleS);
    base = await one.memory();
  } finally {
    await one.stop();
  }
  const t0 = Date.now();
  const floor = await startIoFloor({ ...o, integrations: o.count, mps: 100 });
  try {
    const bindsUpS = (Date.now() - t0) / 1000;
    await sleep(o.settleS);
    const cpu = new CpuMeter({ floor: floor.pid });
    cpu.begin();
    await sleep(o.windowS);
    const usage = cpu.end();
    const m = await floor.memory();
    return {
      bindsUpS, cpuPct: usage.floor!,
      kbPerIntegration: (m.rss - base.rss) / 1024 / (o.count - 1), heapKbPerIntegration: (m.heapUsed - base.heapUsed) / 1024 / (o.count - 1),
    };
  } finally {
    await floor.stop();
  }
}
