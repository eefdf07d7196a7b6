// STYLE habit 1: src/machines imports nothing with side effects, and the linter says so. These
// fixtures prove the rule in eslint.config.js bites (a rule that never fires looks the same as a
// clean tree), and that the real machines pass it.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE_PATH = 'src/machines/zz-fixture.ts';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function lint(code: string, filePath = FIXTURE_PATH) {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message, severity: m.severity }));
}

/** an import of an adapter or actor also breaks the layer rule (test/lint/layers.test.ts) */
const LAYER_RULE = 'boundaries/element-types';

const impure: { name: string; code: string; rule: string }[] = [
  { name: 'node:net', code: "import net from 'node:net';\nexport const n = net;\n", rule: 'no-restricted-imports' },
  { name: 'bare net', code: "import { connect } from 'net';\nexport const c = connect;\n", rule: 'no-restricted-imports' },
  { name: 'node:fs/promises', code: "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n", rule: 'no-restricted-imports' },
  { name: '@nats-io/transport-node', code: "import { connect } from '@nats-io/transport-node';\nexport const c = connect;\n", rule: 'no-restricted-imports' },
  { name: '@nats-io/jetstream', code: "import { jetstream } from '@nats-io/jetstream';\nexport const j = jetstream;\n", rule: 'no-restricted-imports' },
  { name: 'smpp', code: "import smpp from 'smpp';\nexport const s = smpp;\n", rule: 'no-restricted-imports' },
  { name: 'pino', code: "import pino from 'pino';\nexport const p = pino;\n", rule: 'no-restricted-imports' },
  { name: 'an adapter', code: "import { createSmppSession } from '../adapters/smpp/index.js';\nexport const s = createSmppSession;\n", rule: 'no-restricted-imports' },
  { name: 'an adapter, type only', code: "import type { SmppSession } from '../adapters/smpp/index.js';\nexport type S = SmppSession;\n", rule: 'no-restricted-imports' },
  { name: 'an actor', code: "import { startActor } from '../actors/index.js';\nexport const s = startActor;\n", rule: 'no-restricted-imports' },
  { name: 'a re-export of a client library', code: "export { connect } from '@nats-io/transport-node';\n", rule: 'no-restricted-imports' },
  { name: 'Date.now()', code: 'export const at = () => Date.now();\n', rule: 'no-restricted-properties' },
  { name: 'Math.random()', code: 'export const jitter = () => Math.random();\n', rule: 'no-restricted-properties' },
  { name: 'setTimeout', code: 'export const later = (f: () => void) => setTimeout(f, 1_000);\n', rule: 'no-restricted-globals' },
  { name: 'setInterval', code: 'export const tick = (f: () => void) => setInterval(f, 1_000);\n', rule: 'no-restricted-globals' },
  { name: 'process.env', code: 'export const level = () => process.env.LOG_LEVEL;\n', rule: 'no-restricted-globals' },
  { name: "a dynamic import('node:net')", code: "export const load = () => import('node:net');\n", rule: 'no-restricted-syntax' },
  { name: 'new Date()', code: 'export const at = () => new Date();\n', rule: 'no-restricted-syntax' },
  { name: 'performance.now()', code: 'export const at = () => performance.now();\n', rule: 'no-restricted-globals' },
  { name: 'globalThis.setTimeout', code: 'export const later = (f: () => void) => globalThis.setTimeout(f, 1);\n', rule: 'no-restricted-globals' },
  { name: 'queueMicrotask', code: 'export const soon = (f: () => void) => queueMicrotask(f);\n', rule: 'no-restricted-globals' },
  { name: 'console.log', code: "export const say = () => console.log('x');\n", rule: 'no-restricted-globals' },
];

describe('the machine purity lint rule', () => {
  for (const f of impure) {
    it(`rejects ${f.name} in src/machines`, async () => {
      const messages = await lint(f.code);
      expect(messages.length).toBeGreaterThan(0);
      // only the purity rule (and for adapters and actors the layer rule) complains: the fixture is
      // otherwise clean, so the rule is what fails it
      expect(messages.some((m) => m.ruleId === f.rule)).toBe(true);
      expect(messages.every((m) => (m.ruleId === f.rule || m.ruleId === LAYER_RULE) && m.severity === 2)).toBe(true);
    });
  }

  it('accepts a pure machine importing only xstate and types from config', async () => {
    const code = [
      "import { setup } from 'xstate';",
      "import type { BindType } from '../config/index.js';",
      "export const pureMachine = setup({ types: { context: {} as { bindType: BindType } }, delays: { tick: 1_000 } })",
      "  .createMachine({ id: 'pure', context: { bindType: 'transceiver' }, initial: 'a', states: { a: { after: { tick: 'b' } }, b: {} } });",
      '',
    ].join('\n');
    expect(await lint(code)).toEqual([]);
  });

  it('applies to src/machines only: the same import is fine in an adapter', async () => {
    expect(await lint("import net from 'node:net';\nexport const n = net;\n", 'src/adapters/zz-fixture.ts')).toEqual([]);
  });

  it('passes every real file in src/machines', async () => {
    const results = await eslint.lintFiles(['src/machines']);
    expect(results.length).toBeGreaterThanOrEqual(3);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId ?? ''} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
