// STYLE habit 2: src/adapters/nats/subjects.ts is the only module that spells a subject, stream,
// consumer or KV bucket name. Anywhere else such a literal drifts silently when the layout changes,
// so this walks the TypeScript syntax tree of every file under src/ (comments never count) and lists
// each offending literal as file:line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BUCKETS, STREAMS } from '../../src/adapters/nats/subjects.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SUBJECTS_MODULE = 'src/adapters/nats/subjects.ts';

/** Prometheus metric names share the `byo_` prefix with buckets but are not NATS names. */
const METRICS_MODULE = 'src/adapters/metrics.ts';
const METRIC_NAME_PROPERTIES = new Set(['name', 'prefix']);

interface Finding { file: string; line: number; text: string; why: string }

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = join(dir, d.name);
    if (d.isDirectory()) return tsFilesUnder(full);
    return d.isFile() && d.name.endsWith('.ts') ? [full] : [];
  });
}

const streamName = new RegExp(`^(?:${Object.values(STREAMS).join('|')})(?![A-Za-z0-9_])`);

function classify(text: string): string | undefined {
  if (text.startsWith('byo.')) return 'subject literal';
  if (streamName.test(text)) return 'stream name literal';
  if (/^KV_byo_/.test(text)) return 'KV stream name literal';
  if (text.startsWith('byo_')) return 'bucket name literal';
  return undefined;
}

function isMetricName(file: string, node: ts.Node): boolean {
  const parent = node.parent;
  return file === METRICS_MODULE && !!parent && ts.isPropertyAssignment(parent)
    && ts.isIdentifier(parent.name) && METRIC_NAME_PROPERTIES.has(parent.name.text);
}

function findNameLiterals(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const visit = (node: ts.Node): void => {
    // a template's head is its text before the first ${...}: `byo.mt.${org}` starts there
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) {
      const why = classify(node.text);
      if (why && !isMetricName(file, node)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        found.push({ file, line, text: node.text, why });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('subjects, streams and bucket names are spelled only in subjects.ts', () => {
  const files = tsFilesUnder(join(repoRoot, 'src')).map((f) => relative(repoRoot, f).split(sep).join('/'));

  it('scans the source tree (guards against a vacuous pass)', () => {
    expect(files).toContain(SUBJECTS_MODULE);
    expect(files.length).toBeGreaterThan(20);
    // the scanner itself finds what subjects.ts legitimately holds
    const own = findNameLiterals(SUBJECTS_MODULE, readFileSync(join(repoRoot, SUBJECTS_MODULE), 'utf8'));
    expect(own.map((f) => f.why)).toEqual(expect.arrayContaining(['subject literal', 'stream name literal', 'bucket name literal']));
    expect(own.map((f) => f.text)).toEqual(expect.arrayContaining([...Object.values(STREAMS), ...Object.values(BUCKETS)]));
  });

  it('recognises every spelling it is meant to catch and ignores comments', () => {
    const sample = [
      "// byo.mt.<org> in a comment is fine, so is 'byo.mt' inside one",
      "const a = 'byo.mt.x';",
      'const b = "byo.status.>";',
      'const c = `byo.events.${org}.${id}.>`;',
      "const d = 'BYO_MT';",
      "const e = 'byo_numbers';",
      "const f = 'BYO_MASTER_KEY';",
      "const g = 'KV_byo_state';",
      "const h = 'BYO_MT_ACK_WAIT_MS';",
    ].join('\n');
    expect(findNameLiterals('src/x.ts', sample).map((f) => [f.line, f.why])).toEqual([
      [2, 'subject literal'], [3, 'subject literal'], [4, 'subject literal'], [5, 'stream name literal'],
      [6, 'bucket name literal'], [8, 'KV stream name literal'],
    ]);
  });

  it('finds no subject, stream or bucket literal outside src/adapters/nats/subjects.ts', () => {
    const violations = files
      .filter((f) => f !== SUBJECTS_MODULE)
      .flatMap((f) => findNameLiterals(f, readFileSync(join(repoRoot, f), 'utf8')))
      .map((v) => `${v.file}:${v.line} ${v.why} ${JSON.stringify(v.text)}`);
    expect(violations).toEqual([]);
  });
});
