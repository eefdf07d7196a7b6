// Preloaded into every engine a bench starts (bench/processes.ts, node --import): what the V8 heap
// allocated and what its collections cost, as running totals in the JSON file BYO_BENCH_GC_STATS_FILE,
// rewritten every UPDATE_MS. The bench reads it before and after a measured window, so it can print KB
// allocated per delivered message: a figure that, unlike µs, hardly moves with the host, and what
// drives the young generation's collections (docs/performance.md).
//
// Allocated bytes are summed from V8's own GC statistics (v8.GCProfiler, Node >= 18.15): the heap in use
// before each collection minus the heap in use after the one before it. Objects allocated and collected
// between two GCs are counted; so is everything large-object space takes.
import v8 from 'node:v8';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { setInterval } from 'node:timers';

const file = process.env.BYO_BENCH_GC_STATS_FILE;
/** how often the totals are written: the window's edges are this exact */
const UPDATE_MS = 100;

if (file && typeof v8.GCProfiler === 'function') {
  const totals = { allocatedBytes: 0, scavenges: 0, scavengeMs: 0, majorGcs: 0, majorGcMs: 0, at: 0 };
  let lastUsedAfter;
  let profiler = new v8.GCProfiler();
  profiler.start();
  const collect = () => {
    const { statistics } = profiler.stop();
    profiler = new v8.GCProfiler();
    profiler.start();
    for (const s of statistics) {
      const before = s.beforeGC.heapStatistics.usedHeapSize;
      if (lastUsedAfter !== undefined) totals.allocatedBytes += Math.max(0, before - lastUsedAfter);
      lastUsedAfter = s.afterGC.heapStatistics.usedHeapSize;
      const ms = s.cost / 1000; // µs
      if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkSweep') {
        totals.scavenges++;
        totals.scavengeMs += ms;
      } else if (s.gcType === 'MarkSweepCompact') {
        totals.majorGcs++;
        totals.majorGcMs += ms;
      }
    }
    totals.at = Date.now();
    // and what was allocated since the last collection, so the total is current at `at`
    const since = lastUsedAfter === undefined ? 0 : Math.max(0, v8.getHeapStatistics().used_heap_size - lastUsedAfter);
    try {
      // in place, not written aside and renamed: a rename cost the engine ~0.5% of its CPU in a profile.
      // A reader that catches the file half-written reads it again (readGcTotals in processes.ts)
      writeFileSync(file, JSON.stringify({ ...totals, allocatedBytes: totals.allocatedBytes + since }));
    } catch {
      // the bench removed the data dir: the engine is being stopped
    }
  };
  setInterval(collect, UPDATE_MS).unref();
}
