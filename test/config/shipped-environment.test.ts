// glibc's MALLOC_MMAP_THRESHOLD_ is read when the process starts, so the engine cannot set it for itself:
// every way we ship to start it sets the same value (docs/configuration.md: 40960 saves ~100 KB RSS per
// idle integration for at most a few percent of CPU under load; 16384 saved as much but cost 13-22% more
// CPU under load).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const SHIPPED = '40960';

describe('MALLOC_MMAP_THRESHOLD_ as shipped', () => {
  it.each([
    ['package.json (npm start)', 'package.json', /"start": "MALLOC_MMAP_THRESHOLD_=\$\{MALLOC_MMAP_THRESHOLD_:-(\d+)\} /],
    ['the systemd unit', 'deploy/systemd/byo-smpp.service', /^Environment=MALLOC_MMAP_THRESHOLD_=(\d+)$/m],
    ['the container image', 'deploy/Dockerfile', /^\s+MALLOC_MMAP_THRESHOLD_=(\d+)$/m],
    ['env.example (shown)', 'deploy/systemd/env.example', /^#MALLOC_MMAP_THRESHOLD_=(\d+)$/m],
    ['the benchmarks', 'bench/processes.ts', /SHIPPED_MALLOC_MMAP_THRESHOLD = '(\d+)'/],
  ])('%s sets it to the documented value', (_what, path, pattern) => {
    expect(pattern.exec(read(path))?.[1]).toBe(SHIPPED);
    expect(read('docs/configuration.md')).toContain(`MALLOC_MMAP_THRESHOLD_=${SHIPPED}`);
  });

  it("npm start's expansion keeps a value already in the environment, and fills in the default otherwise", () => {
    // the start script runs under sh; its variable part, evaluated the same way
    const expand = (env: Record<string, string>) => execFileSync('sh', ['-c', 'MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-40960}; echo $MALLOC_MMAP_THRESHOLD_'], {
      env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8',
    }).trim();
    expect(expand({})).toBe(SHIPPED);
    expect(expand({ MALLOC_MMAP_THRESHOLD_: '' })).toBe(SHIPPED);
    expect(expand({ MALLOC_MMAP_THRESHOLD_: '131072' })).toBe('131072');
  });
});
