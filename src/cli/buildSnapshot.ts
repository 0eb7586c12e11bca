// Build step: node's startup snapshot of the CLI. Every module of the build is bundled into one CommonJS
// script (esbuild), run once with `node --build-snapshot`, and the heap it leaves is saved: a process that
// node starts from it (`node --snapshot-blob`, which bin/tsnet-learn does) has every module loaded already,
// where one started from the modules spends ~60 ms loading them. Without esbuild there is no snapshot,
// and bin/tsnet-learn starts the CLI from its modules, as before.
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../exec/spawn.js';

/** The files of the snapshot, in dist/snapshot/; bin/tsnet-learn reads the same names. */
export const SNAPSHOT_FILES = {
  bundle: 'tsnet-learn.cjs',
  blob: 'tsnet-learn.blob',
  /** The node that built it, by path; a file with that node's mtime sits next to it (node.stamp). */
  node: 'node.path',
  stamp: 'node.stamp',
};

/** Build steps: running them at load time would run them in the snapshot. */
const NOT_BUNDLED = new Set(['src/cli/buildSnapshot.js', 'src/lesson/buildLessonCache.js']);
/**
 * In the bundle, but loaded only when asked, as from the modules: the markdown and YAML parsers (a lesson
 * not in the build's cache) and vfile's messages (a lesson with problems). Loaded in the snapshot, they
 * would make it a third bigger, and every start slower by as much.
 */
const NOT_PRELOADED = new Set(['src/lesson/parseLesson.js', 'src/lesson/message.js']);

/** Every module of the build, as paths relative to dist/, main.js first (it sets what runs at start). */
export function snapshotModules(files: readonly string[]): string[] {
  const modules = files
    .filter((f) => f.endsWith('.js') && !NOT_BUNDLED.has(f) && !NOT_PRELOADED.has(f) && f !== 'src/cli/main.js')
    .sort();
  return ['src/cli/main.js', ...modules];
}

/**
 * A module as the snapshot can run it. Pure. `createRequire(import.meta.url)('x')` becomes `require('x')`,
 * which the bundler follows; `import('node:x')` becomes a `require` too, since a process started from a
 * snapshot cannot import (the bundler inlines the imports of our own modules). The bundle is a script,
 * where `import.meta` means nothing: the paths the modules build from it are found at run time, from the
 * main module node was given (`__tsnet_meta`, see the banner).
 */
export function forBundle(source: string): string {
  return source
    .replace(/createRequire\(import\.meta\.url\)\(('[^']+')\)/g, 'require($1)')
    .replace(/\bimport\(('node:[\w/]+')\)/g, 'Promise.resolve(require($1))');
}

/** The `import(…)` left in a bundle, but for the one module that may stay out (`graph`'s picture). Pure. */
export function importsLeft(bundle: string): string[] {
  return [...bundle.matchAll(/\bimport\(([^)]*)\)/g)]
    .map((m) => m[1]!)
    .filter((spec) => spec !== '"@hpcc-js/wasm-graphviz"');
}

/** The part of esbuild's API used here (esbuild is a build tool, not a dependency of the CLI). */
interface Esbuild {
  build(options: {
    entryPoints: string[];
    bundle: boolean;
    format: 'cjs';
    platform: 'node';
    target: string;
    outfile: string;
    external: string[];
    define: Record<string, string>;
    banner: { js: string };
    plugins: {
      name: string;
      setup(b: {
        onLoad(
          filter: { filter: RegExp },
          load: (args: { path: string }) => { contents: string; loader: 'js' } | undefined,
        ): void;
      }): void;
    }[];
    logLevel: 'warning';
  }): Promise<unknown>;
}

/** The first `node` on PATH, as the shell finds it (`command -v node`). */
function nodeOnPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir || '.', 'node');
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      /* not here */
    }
  }
  return null;
}

function walk(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), root) : [relative(root, join(dir, e.name))],
  );
}

async function build(): Promise<string> {
  const dist = fileURLToPath(new URL('../../', import.meta.url));
  const out = join(dist, 'snapshot');
  rmSync(out, { recursive: true, force: true });
  let esbuild: Esbuild;
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
  } catch {
    return 'no startup snapshot: esbuild is not installed (the CLI starts from its modules)';
  }
  const node = nodeOnPath();
  if (!node) return 'no startup snapshot: no node on PATH';
  mkdirSync(out, { recursive: true });
  const modules = snapshotModules([...walk(join(dist, 'src'), dist), ...walk(join(dist, 'checks'), dist)]);
  const entry = join(out, 'entry.js');
  writeFileSync(entry, modules.map((m) => `import '../${m}';\n`).join(''));
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(out, SNAPSHOT_FILES.bundle),
    // The graph's picture (WebAssembly, loaded only for SVG) stays out: `graph` starts from the modules.
    external: ['@hpcc-js/wasm-graphviz'],
    define: { 'import.meta.url': '__tsnet_meta.url' },
    banner: {
      js: "var __tsnet_meta = { get url() { return require('node:url').pathToFileURL(process.argv[1]).href; } };",
    },
    plugins: [
      {
        name: 'require-through-createRequire',
        setup(b) {
          b.onLoad({ filter: /\.js$/ }, (args) =>
            args.path.startsWith(dist)
              ? { contents: forBundle(readFileSync(args.path, 'utf8')), loader: 'js' }
              : undefined,
          );
        },
      },
    ],
    logLevel: 'warning',
  });
  const left = importsLeft(readFileSync(join(out, SNAPSHOT_FILES.bundle), 'utf8'));
  if (left.length) throw new Error(`the snapshot cannot import at run time: import(${left.join('), import(')})`);
  // In a clean environment: a module that reads it while loading (picocolors: CI, FORCE_COLOR, NO_COLOR)
  // would keep what the build's shell had, and every run would answer as that shell did, not as its own.
  const made = await run('env', [
    '-i',
    `PATH=${process.env.PATH ?? ''}`,
    node,
    '--snapshot-blob',
    join(out, SNAPSHOT_FILES.blob),
    '--build-snapshot',
    join(out, SNAPSHOT_FILES.bundle),
  ]);
  // Node warns that child_process is "not yet fully verified" in a snapshot: it is only loaded there, and
  // the processes start later; the integration tests run the CLI through bin/tsnet-learn, so from here.
  if (made.exitCode !== 0) throw new Error(`node --build-snapshot failed: ${made.error ?? made.stderr}`);
  writeFileSync(join(out, SNAPSHOT_FILES.node), `${node}\n`);
  // touch copies the mtime to the nanosecond, as the launcher's test compares it (utimes rounds it).
  const stamped = await run('touch', ['-r', node, join(out, SNAPSHOT_FILES.stamp)]);
  if (stamped.exitCode !== 0) throw new Error(`touch -r ${node} failed: ${stamped.error ?? stamped.stderr}`);
  rmSync(entry);
  return `startup snapshot of ${modules.length} modules for ${node}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${await build()}\n`);
