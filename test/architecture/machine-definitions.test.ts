// Machine definitions are built once per engine. xstate's `.provide(...)` builds a whole new tree of
// state nodes and transitions, so a `.provide` per integration, lane or bind costs memory per instance
// (the lane's was ~26 transition objects and 11 state nodes each, found in a heap snapshot of 300 idle
// integrations). Per-instance collaborators come in as input instead. This walks every file under src/
// and allows `.provide(` only in the modules that build the shared definitions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** where the engine's shared definitions are built, once (module level or one per bind budget) */
const DEFINITION_MODULES = new Set(['src/actors/integration-definition.ts']);

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = join(dir, d.name);
    if (d.isDirectory()) return tsFilesUnder(full);
    return d.isFile() && d.name.endsWith('.ts') ? [full] : [];
  });
}

function provideCalls(file: string): number[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'provide') {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('machine definitions', () => {
  it('are provided only where the shared definitions are built', () => {
    const found = tsFilesUnder(join(repoRoot, 'src')).flatMap((full) => {
      const file = relative(repoRoot, full).split(sep).join('/');
      return DEFINITION_MODULES.has(file) ? [] : provideCalls(full).map((line) => `${file}:${line}`);
    });
    expect(found).toEqual([]);
  });

  it('finds a provide call where there is one', () => {
    expect(provideCalls(join(repoRoot, 'src/actors/integration-definition.ts')).length).toBeGreaterThan(0);
  });
});
