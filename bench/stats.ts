// Small measuring helpers for the benchmarks: percentiles, per-process CPU and memory from /proc.
import { readFileSync } from 'node:fs';

/** p in [0, 100] over the finite values of `xs` (nearest-rank); NaN when there are none */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const sorted = Array.from(xs).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary { count: number; p50: number; p99: number; max: number }

export function summarise(xs: ArrayLike<number>): LatencySummary {
  const finite = Array.from(xs).filter((x) => Number.isFinite(x));
  return { count: finite.length, p50: percentile(finite, 50), p99: percentile(finite, 99), max: finite.length ? Math.max(...finite) : Number.NaN };
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/** user+system CPU seconds of a process so far (Linux /proc); NaN when it cannot be read */
export function cpuSeconds(pid: number): number {
  return systemSeconds(pid, 'both');
}

/** CPU seconds of a process so far: in user mode, in the kernel (system calls, page faults), or both */
export function systemSeconds(pid: number, which: 'user' | 'system' | 'both'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name, which is in parentheses and may contain spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]), system = Number(fields[12]);
    return (which === 'user' ? user : which === 'system' ? system : user + system) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** resident and peak resident memory of a process in MB (Linux /proc) */
export function memoryMb(pid: number): { rss: number; peakRss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, peakRss: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, peakRss: Number.NaN };
  }
}

/** read and write system calls a process made so far (Linux /proc/<pid>/io); NaN when unreadable */
export function syscalls(pid: number): { reads: number; writes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { reads: Number(/^syscr: (\d+)/m.exec(io)?.[1]), writes: Number(/^syscw: (\d+)/m.exec(io)?.[1]) };
  } catch {
    return { reads: Number.NaN, writes: Number.NaN };
  }
}

/** machine-wide CPU jiffies (Linux /proc/stat, first line): busy, idle and stolen by the hypervisor */
function machineJiffies(): { busy: number; idle: number; steal: number } {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number) as number[];
    return { busy: user! + nice! + system! + irq! + softirq!, idle: idle! + iowait!, steal: steal! };
  } catch {
    return { busy: Number.NaN, idle: Number.NaN, steal: Number.NaN };
  }
}

/** CPU used by several processes over an interval, as % of one core each */
export class CpuMeter {
  private start = new Map<string, number>();
  private startIo = new Map<string, { reads: number; writes: number }>();
  private startedAt = 0;
  private startMachine = machineJiffies();

  constructor(private readonly pids: Record<string, number | undefined>) {}

  begin(): void {
    this.startedAt = performance.now();
    this.startMachine = machineJiffies();
    this.start = new Map(Object.entries(this.pids).map(([name, pid]) => [name, pid === undefined ? Number.NaN : cpuSeconds(pid)]));
    this.startIo = new Map(Object.entries(this.pids).map(([name, pid]) => [name, pid === undefined ? { reads: Number.NaN, writes: Number.NaN } : syscalls(pid)]));
  }

  /** machine-wide shares of CPU time since begin(), in %: busy (all processes), idle, stolen by the hypervisor */
  machine(): { busy: number; idle: number; steal: number } {
    const now = machineJiffies();
    const busy = now.busy - this.startMachine.busy, idle = now.idle - this.startMachine.idle, steal = now.steal - this.startMachine.steal;
    const total = busy + idle + steal;
    return { busy: (busy / total) * 100, idle: (idle / total) * 100, steal: (steal / total) * 100 };
  }

  /** name → write system calls since begin() (sockets included) */
  writes(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.pids).map(([name, pid]) =>
      [name, pid === undefined ? Number.NaN : syscalls(pid).writes - this.startIo.get(name)!.writes]));
  }

  /** CPU seconds each process used since begin() */
  private used: Record<string, number> = {};

  /** name → % of one core since begin(); also fixes the seconds perMessage() divides */
  end(): Record<string, number> {
    const wall = (performance.now() - this.startedAt) / 1000;
    this.used = Object.fromEntries(Object.entries(this.pids).map(([name, pid]) =>
      [name, pid === undefined ? Number.NaN : cpuSeconds(pid) - this.start.get(name)!]));
    return Object.fromEntries(Object.entries(this.used).map(([name, s]) => [name, (s / wall) * 100]));
  }

  /** name → CPU µs per message between begin() and end() */
  perMessageUs(messages: number): Record<string, number> {
    return Object.fromEntries(Object.entries(this.used).map(([name, s]) => [name, (s / messages) * 1e6]));
  }
}

export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

/** plain-text table (also valid Markdown) */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
