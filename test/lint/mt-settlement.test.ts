// The rule in eslint.config.js that keeps JetStream settlement in one place: outside
// src/adapters/nats/mt-settlement.ts, no .ack() / .nak() / .term() / .working() call in src. Each
// fixture is linted through ESLint's API as if it were a file at that path; the refused calls must
// fire the rule and the same calls in mt-settlement.ts, or in tests, must not.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'no-restricted-syntax';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function messagesFor(filePath: string, call: string): Promise<{ ruleId: string | null; message: string }[]> {
  const code = `export function settle(m: { ack(): void; nak(d?: number): void; term(r?: string): void; working(): void }): void {\n  ${call};\n}\n`;
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

const CALLS = ['m.ack()', 'm.nak(1000)', "m.term('SOURCE_ADDR_INVALID')", 'm.working()'];

describe('lint: JetStream messages are settled only through settleMt', () => {
  it.each(CALLS.flatMap((call) => [
    ['src/actors/outbound/zz.ts', call], ['src/actors/inbound/zz.ts', call], ['src/adapters/nats/zz.ts', call], ['src/engine2.ts', call],
  ]))('refuses %s calling %s', async (file, call) => {
    const messages = await messagesFor(file, call);
    expect(messages.filter((m) => m.ruleId === RULE).map((m) => m.message)).toEqual([
      'settle JetStream messages only through settleMt (src/adapters/nats/mt-settlement.ts) with an MtOutcome',
    ]);
  });

  it.each(CALLS)('allows %s in src/adapters/nats/mt-settlement.ts', async (call) => {
    expect((await messagesFor('src/adapters/nats/mt-settlement.ts', call)).filter((m) => m.ruleId === RULE)).toEqual([]);
  });

  it('allows calls of other methods on the message', async () => {
    expect((await messagesFor('src/actors/outbound/zz.ts', 'm.toString()')).filter((m) => m.ruleId === RULE)).toEqual([]);
  });
});
