// Summarises V8 .cpuprofile files (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=<dir> npm run bench:outbound):
// top functions by self time, and self time per file (project files and dependencies).
//   npx tsx bench/cpuprofile-summary.ts <file-or-dir> [top=30]
// Profiles of a tsc build with --sourceMap (BENCH_ENGINE_DIST) are mapped back to src/*.ts:line through the
// .js.map files next to the code; under tsx, project positions are in esbuild's output and only the file is right.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './stats.js';

interface Mapper { originalPositionFor(pos: { line: number; column: number }): { source: string | null; line: number | null } }
type MapperCtor = new (raw: string) => Mapper;
// source-map-js comes with the test tooling; without it positions stay unmapped
const SourceMapConsumer = await import('source-map-js').then(
  (m: { SourceMapConsumer: unknown }) => m.SourceMapConsumer as MapperCtor,
  () => undefined,
);
const mappers = new Map<string, Mapper | undefined>();
function mapperFor(url: string): Mapper | undefined {
  if (!SourceMapConsumer || !url.startsWith('file://') || !url.endsWith('.js') || url.includes('/node_modules/')) return undefined;
  if (!mappers.has(url)) {
    const mapFile = `${fileURLToPath(url)}.map`;
    mappers.set(url, existsSync(mapFile) ? new SourceMapConsumer(readFileSync(mapFile, 'utf8')) : undefined);
  }
  return mappers.get(url);
}

/** (url, 0-based line and column) → the original file and 1-based line when a source map says so */
function original(url: string, line: number, column: number): { url: string; line: number } {
  const m = mapperFor(url);
  const pos = m?.originalPositionFor({ line: line + 1, column });
  if (!pos?.source || pos.line === null) return { url, line: line + 1 };
  return { url: `file://${resolve(dirname(fileURLToPath(url)), pos.source)}`, line: pos.line };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const root = process.cwd();
const shortUrl = (url: string): string => {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  return path.startsWith('/') ? relative(root, path) : path;
};

function summarise(file: string, top: number): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const pos = original(f.url, f.lineNumber, f.columnNumber);
    const where = shortUrl(pos.url);
    const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${pos.line}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    files.set(where, (files.get(where) ?? 0) + us);
    const pkg = f.url.includes('/node_modules/')
      ? where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/')
      : f.url.startsWith('node:') ? 'node: internals' : f.url ? 'project (src/)' : f.functionName.startsWith('(') ? f.functionName : '(native/builtin)';
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  // inclusive time of project functions: a sample counts once for every distinct src/ function on its stack
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map<number, string | undefined>();
  const projectKey = (id: number): string | undefined => {
    if (!keyOf.has(id)) {
      const f = byId.get(id)!.callFrame;
      const pos = original(f.url, f.lineNumber, f.columnNumber);
      keyOf.set(id, f.url.startsWith('file://') && !f.url.includes('/node_modules/') ? `${f.functionName || '(anonymous)'}  ${shortUrl(pos.url)}:${pos.line}` : undefined);
    }
    return keyOf.get(id);
  };
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = projectKey(cur);
      if (k && !seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
  const rows = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [pct(us), `${(us / 1000).toFixed(0)} ms`, k]);
  process.stdout.write(`\n${file}: ${(total / 1e6).toFixed(2)} s sampled\n\n`);
  process.stdout.write(`${table(['self', 'time', 'package'], rows(packages, 15))}\n\n`);
  process.stdout.write(`${table(['self', 'time', 'file'], rows(files, 20))}\n\n`);
  process.stdout.write(`${table(['self', 'time', 'function  file:line'], rows(fns, top))}\n\n`);
  process.stdout.write(`${table(['total', 'time', 'project function (with what it calls)  file:line'], rows(inclusive, top))}\n`);
}

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: npx tsx bench/cpuprofile-summary.ts <file-or-dir> [top]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const files = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
  : [target];
for (const f of files) summarise(f, top);
