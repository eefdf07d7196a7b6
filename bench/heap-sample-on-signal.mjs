// Preloaded into an engine (BENCH_ENGINE_NODE_OPTIONS="--import <this file>", with
// BYO_BENCH_HEAP_DIR=<dir> in its environment, e.g. through IDLE_SCALE_ENGINE_ENV): the first SIGUSR2
// starts V8's allocation sampling, objects already collected by either GC included (what drives GC is
// what was allocated, not what survived); the second writes <dir>/engine-<pid>.heapprofile, which Chrome
// DevTools' Memory tab opens. Like bench/cpu-prof-on-signal.mjs, only the window between the signals is
// sampled. Not together with IDLE_SCALE_GC=1, which uses SIGUSR2 for its full GC.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.BYO_BENCH_HEAP_DIR;
/** bytes between samples: V8's default is 32 KB; 4 KB sees the small per-ping objects */
const SAMPLING_INTERVAL_BYTES = 4096;
let session;
process.on('SIGUSR2', () => {
  if (!dir) return;
  if (!session) {
    session = new Session();
    session.connect();
    session.post('HeapProfiler.enable', () => session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
    }));
    return;
  }
  const s = session;
  session = undefined;
  s.post('HeapProfiler.stopSampling', (err, res) => {
    if (!err) writeFileSync(join(dir, `engine-${process.pid}.heapprofile`), JSON.stringify(res.profile));
    s.disconnect();
  });
});
