// The layer rules in eslint.config.js (docs/architecture.md): which room may import which, and only
// through its front door. Each fixture is a file placed in a room and linted through ESLint's API; a
// rule that never fires looks the same as a clean tree, so every rule is shown to bite, and its
// allowed counterpart to pass. The rules are by folder, so a new room (src/simulator, an adapter
// folder) is covered without touching the config: the fixtures include such rooms.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const LAYERS = 'boundaries/element-types';
const FRONT_DOOR = 'boundaries/entry-point';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** the rule ids reported for one import line in a file at `filePath` */
async function rulesFor(filePath: string, from: string, typeOnly = false): Promise<string[]> {
  const code = typeOnly ? `import type * as m from '${from}';\nexport type M = typeof m;\n` : `import * as m from '${from}';\nexport const n = m;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return [...new Set(result.messages.map((m) => m.ruleId ?? m.message))];
}

// [room file, import, why it is refused]
const refused: [string, string, string][] = [
  ['src/machines/zz.ts', '../adapters/nats/index.js', 'machines import no adapter'],
  ['src/machines/zz.ts', '../actors/index.js', 'machines import no actor'],
  ['src/domain/zz.ts', '../adapters/smpp/index.js', 'the domain imports no adapter'],
  ['src/domain/zz.ts', '../adapters/metrics.js', 'the domain imports no adapter (one-file room)'],
  ['src/domain/zz.ts', '../actors/outbound/index.js', 'the domain imports no actor'],
  ['src/domain/zz.ts', '../machines/index.js', 'the domain imports no machine'],
  ['src/config/zz.ts', '../domain/index.js', 'config is the bottom layer: it imports no domain'],
  ['src/adapters/nats/zz.ts', '../../actors/index.js', 'adapters import no actor'],
  ['src/adapters/zz.ts', '../actors/inbound/index.js', 'a one-file adapter imports no actor'],
  ['src/adapters/http/zz.ts', '../nats/index.js', 'HTTP imports nothing of NATS'],
  ['src/adapters/http/zz.ts', '../metrics.js', 'adapters do not import each other'],
  ['src/adapters/newthing/zz.ts', '../../actors/index.js', 'a new adapter folder is an adapter too'],
  ['src/adapters/smpp/zz.ts', '../../machines/index.js', 'adapters import no machine'],
  ['src/actors/zz.ts', '../main.js', 'nothing imports the process entry'],
  ['src/simulator/zz.ts', '../cli/index.js', 'one tool does not import another'],
  ['src/cli/zz.ts', '../demo/index.js', 'the CLI may import the simulator, no other tool'],
  ['src/actors/zz.ts', '../simulator/index.js', 'actors import no tool'],
];

const throughSideDoor: [string, string][] = [
  ['src/actors/outbound/zz.ts', '../../adapters/nats/subjects.js'],
  ['src/actors/outbound/zz.ts', '../integration-actor.js'],
  ['src/actors/inbound/zz.ts', '../outbound/tracker.js'],
  ['src/actors/zz.ts', './outbound/tracker.js'],
  ['src/domain/zz.ts', '../config/advanced-schema.js'],
  ['src/machines/zz.ts', '../domain/receipts.js'],
  ['src/engine2.ts', './adapters/http/server.js'],
  ['src/simulator/zz.ts', '../adapters/smpp/codec.js'],
];

const allowed: [string, string][] = [
  ['src/domain/zz.ts', '../config/index.js'],
  ['src/machines/zz.ts', '../domain/index.js'],
  ['src/adapters/http/zz.ts', '../../domain/index.js'],
  ['src/adapters/nats/zz.ts', '../../config/index.js'],
  ['src/adapters/nats/zz.ts', './subjects.js'],
  ['src/actors/outbound/zz.ts', './tracker.js'],
  ['src/actors/outbound/zz.ts', '../index.js'],
  ['src/actors/inbound/zz.ts', '../outbound/index.js'],
  ['src/actors/zz.ts', '../adapters/nats/index.js'],
  ['src/actors/zz.ts', '../adapters/metrics.js'],
  ['src/actors/zz.ts', '../machines/index.js'],
  ['src/engine2.ts', './actors/index.js'],
  ['src/engine2.ts', './adapters/secrets.js'],
  ['src/simulator/zz.ts', '../adapters/smpp/index.js'],
  ['src/cli/zz.ts', '../simulator/index.js'],
  ['src/demo/zz.ts', '../simulator/index.js'],
];

describe('the layer rules', () => {
  for (const [file, from, why] of refused) {
    it(`refuses ${from} in ${file}: ${why}`, async () => {
      expect(await rulesFor(file, from)).toContain(LAYERS);
    });
  }

  it('refuses a type-only import across a layer too', async () => {
    expect(await rulesFor('src/domain/zz.ts', '../adapters/smpp/index.js', true)).toContain(LAYERS);
  });
});

describe('the front-door rule', () => {
  for (const [file, from] of throughSideDoor) {
    it(`refuses ${from} from ${file}: another room is entered through its index.ts`, async () => {
      expect(await rulesFor(file, from)).toEqual([FRONT_DOOR]);
    });
  }
});

describe('what the rules allow', () => {
  for (const [file, from] of allowed) {
    it(`accepts ${from} in ${file}`, async () => {
      expect(await rulesFor(file, from)).toEqual([]);
    });
  }

  it('passes every real file in src/', async () => {
    const results = await eslint.lintFiles(['src']);
    expect(results.length).toBeGreaterThan(50);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId ?? ''} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
