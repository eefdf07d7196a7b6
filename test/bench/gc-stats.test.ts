// bench/gc-stats.mjs in a real Node process: the running totals it writes count what the heap allocated,
// including what collections already took, so the bench's "KB allocated per message" means what it says.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const preload = pathToFileURL(join(import.meta.dirname, '..', '..', 'bench', 'gc-stats.mjs')).href;

/** runs `script` with the preload; returns the totals it left */
function totalsAfter(script: string): { allocatedBytes: number; scavenges: number; majorGcs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gc-stats-'));
  try {
    const file = join(dir, 'totals.json');
    const r = spawnSync(process.execPath, ['--import', preload, '-e', script], {
      env: { ...process.env, BYO_BENCH_GC_STATS_FILE: file, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bench/gc-stats.mjs', () => {
  it('counts short-lived allocations the scavenger already collected', () => {
    // ~64 MB of objects that die at once, then time for two writes of the totals
    const t = totalsAfter(`
      // stored in a small ring so they escape (an object that never escapes may not be allocated at all)
      const ring = new Array(1024);
      for (let i = 0; i < 1_000_000; i++) ring[i & 1023] = { a: i, b: [i, i + 1, i + 2] };
      setTimeout(() => console.log(ring.length), 250);
    `);
    expect(t.scavenges).toBeGreaterThan(0);
    expect(t.allocatedBytes).toBeGreaterThan(40 * 2 ** 20);
    expect(t.allocatedBytes).toBeLessThan(400 * 2 ** 20);
  });

  it('reports little for a process that allocates little', () => {
    const t = totalsAfter('setTimeout(() => {}, 250)');
    expect(t.allocatedBytes).toBeLessThan(8 * 2 ** 20);
  });
});
