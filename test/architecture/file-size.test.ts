// Files under ~300 lines (STYLE.md): a file that grows past it holds more than one idea.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 300;
const KNOWN_EXCEPTIONS = new Set<string>([]);

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = join(dir, d.name);
    if (d.isDirectory()) return tsFilesUnder(full);
    return d.isFile() && d.name.endsWith('.ts') ? [full] : [];
  });
}

describe('file size', () => {
  it(`keeps every file in src/ within ${MAX_LINES} lines`, () => {
    const files = tsFilesUnder(join(repoRoot, 'src'));
    expect(files.length).toBeGreaterThan(50);
    const tooLong = files
      .map((f) => ({ file: relative(repoRoot, f).split(sep).join('/'), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES && !KNOWN_EXCEPTIONS.has(f.file))
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
