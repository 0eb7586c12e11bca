// The layout is the pipeline: a folder imports only folders below it in LAYERS, and no module imports itself
// back through others. docs/architecture.md says what each folder is for.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/** Bottom first: each folder may import the ones before it, never one after it. */
const LAYERS = [
  'core',
  'exec',
  'lab',
  'target',
  'snapshot',
  'checks',
  'lesson',
  'judge',
  'run',
  'report',
  'learn',
  'host',
  'class',
  'cli',
];

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The folder a source file belongs to: `checks`, or the first folder under src/. */
const folderOf = (file: string): string => (file.startsWith('checks/') ? 'checks' : (file.split('/')[1] ?? ''));

function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [...text.matchAll(/(?:from |import\()'(\.[^']+)'/g)].map((m) =>
    relative(REPO, resolve(dirname(join(REPO, file)), m[1]!)).replace(/\.js$/, '.ts'),
  );
}

const files = [...sources('src'), ...sources('checks')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

t.test('every source file lives in a folder of the pipeline', async (t) => {
  const stray = files.filter((f) => !LAYERS.includes(folderOf(f)) && f !== 'src/cli.ts');
  t.strictSame(stray, [], 'files outside the known folders');
});

t.test('imports only go down the layers', async (t) => {
  const upward: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      if (LAYERS.indexOf(folderOf(to)) > LAYERS.indexOf(folderOf(from))) upward.push(`${from} -> ${to}`);
    }
  }
  t.strictSame(upward, [], 'imports that climb back up the pipeline');
});

t.test('no module imports itself back through others', async (t) => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const to of graph.get(f) ?? []) visit(to, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  t.strictSame(cycles, []);
});

/** Process libraries a module imports, statically or lazily: `node:child_process`, `child_process`, `execa`. */
function processImports(text: string): string[] {
  return [...text.matchAll(/(?:from |import\()'((?:node:)?child_process|execa)'/g)].map((m) => m[1]!);
}

const text = (file: string): string => readFileSync(join(REPO, file), 'utf8');

t.test('only src/exec/ starts processes: no other module imports node:child_process or execa', async (t) => {
  const outside = files
    .filter((f) => folderOf(f) !== 'exec')
    .flatMap((f) => processImports(text(f)).map((m) => `${f} imports ${m}`));
  t.strictSame(outside, [], 'modules that start processes themselves');
});

t.test('only src/cli/main.ts ends the process (process.exit)', async (t) => {
  const exits = files.filter((f) => f !== 'src/cli/main.ts' && /\bprocess\.exit\(/.test(text(f)));
  t.strictSame(exits, [], 'modules that call process.exit');
});

t.test('the checker itself catches a process library imported outside exec', async (t) => {
  t.strictSame(processImports("import { spawn } from 'node:child_process';"), ['node:child_process']);
  t.strictSame(processImports("const { execa } = await import('execa');"), ['execa']);
  t.strictSame(processImports("import { run } from '../exec/spawn.js';"), []);
});

t.test('the checker itself catches an upward import', async (t) => {
  // A judge module importing the CLI would climb from layer "judge" to layer "cli".
  t.ok(LAYERS.indexOf(folderOf('src/cli/main.ts')) > LAYERS.indexOf(folderOf('src/judge/grade.ts')));
  t.equal(folderOf('checks/link.ts'), 'checks');
});
