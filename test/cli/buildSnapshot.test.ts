import t from 'tap';
import { forBundle, importsLeft, snapshotModules } from '../../src/cli/buildSnapshot.js';

t.test('the snapshot loads every module of the build, main first, but the build steps and the parsers', async (t) => {
  t.same(
    snapshotModules([
      'src/report/colors.js',
      'checks/ping.js',
      'src/cli/main.js',
      'src/lesson/buildLessonCache.js',
      'src/cli/buildSnapshot.js',
      'src/lesson/parseLesson.js',
      'src/lesson/message.js',
      'src/lesson/lessons.cache.json',
    ]),
    ['src/cli/main.js', 'checks/ping.js', 'src/report/colors.js'],
  );
});

t.test('a module is bundled with its requires made plain and node modules required, not imported', async (t) => {
  t.equal(
    forBundle("const pc = createRequire(import.meta.url)('picocolors') as X;"),
    "const pc = require('picocolors') as X;",
  );
  t.equal(
    forBundle("const { readFileSync } = await import('node:fs');\nconst os = await import('node:os');"),
    "const { readFileSync } = await Promise.resolve(require('node:fs'));\nconst os = await Promise.resolve(require('node:os'));",
  );
  t.equal(forBundle("new URL('../../x.json', import.meta.url)"), "new URL('../../x.json', import.meta.url)");
});

t.test('a bundle that still imports at run time is refused, but for the picture of graph', async (t) => {
  t.same(importsLeft('a = await import("@hpcc-js/wasm-graphviz"); b = await import("node:fs");'), ['"node:fs"']);
  t.same(importsLeft('init_x(); require("node:fs")'), []);
});
