// The instances table `byo-smpp state` prints above the tree: each engine named live or not answering,
// with how old its snapshot is.
import { describe, expect, it } from 'vitest';
import { Context } from '../../src/cli/context.js';
import { age, instancesTable } from '../../src/cli/render.js';

const ctx = new Context({
  stdout: () => undefined, stderr: () => undefined, env: { NO_COLOR: '1' },
  readStdin: async () => '', interrupted: new Promise<void>(() => undefined),
}, {});

describe('instancesTable', () => {
  it('names a live instance and one that did not answer, with each snapshot age', () => {
    const text = instancesTable(ctx, [
      { id: 'alpha', live: true, snapshotAgeMs: 0 },
      { id: 'beta', live: false, snapshotAgeMs: 12_345 },
    ]);
    expect(text).toMatch(/alpha\s*│\s*live\s*│\s*0 ms/);
    expect(text).toMatch(/beta\s*│\s*not answering\s*│\s*12\.3 s/);
  });

  it('reads ages as ms under a second, seconds above', () => {
    expect([age(0), age(187.4), age(999), age(1000), age(65_432)]).toEqual(['0 ms', '187 ms', '999 ms', '1.0 s', '65.4 s']);
  });
});
