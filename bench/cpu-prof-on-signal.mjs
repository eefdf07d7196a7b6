// Preloaded into each engine by bench/fleet.ts (FLEET_BENCH_CPU_PROF=<dir>, node --import): the first
// SIGUSR2 starts a V8 CPU profile, the second writes it to <dir>/engine-<pid>.cpuprofile. Only the
// measured window is profiled, not start-up (tsx compiling the sources) or the creation burst.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.BYO_BENCH_CPU_PROF_DIR;
let session;
process.on('SIGUSR2', () => {
  if (!dir) return;
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  const s = session;
  session = undefined;
  s.post('Profiler.stop', (err, res) => {
    if (!err) writeFileSync(join(dir, `engine-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    s.disconnect();
  });
});
