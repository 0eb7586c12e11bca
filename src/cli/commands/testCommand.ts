// `tsnet-learn test`: every lesson from scratch in fresh labs, in parallel, optionally with ablation.
import { UserError } from '../../core/errors.js';
import { destroyLab, interruptLabs } from '../../lab/lab.js';
import { listRecords, readRecord } from '../../lab/labStore.js';
import { currentStatus } from '../../lab/labStatus.js';
import { type Exit, onInterrupt } from '../../exec/onInterrupt.js';
import type { Catalog } from '../../lesson/catalog.js';
import type { Lesson } from '../../lesson/lesson.js';

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2; a signal exits 130/143). */
export async function testCommand(
  args: string[],
  opts: { jobs?: string; ablate?: boolean; keep?: boolean; format: 'pretty' | 'json' | 'tap' | 'junit' },
  exit: Exit,
): Promise<number> {
  let code = 0;
  const { isPath, loadCatalog, loadCourse, resolveLesson } = await import('../../lesson/catalog.js');
  const { courseOrder } = await import('../../lesson/chain.js');
  const { existsSync, statSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const { assertTools } = await import('../../exec/preflight.js');
  const { testCourse } = await import('../../run/testCourse.js');
  const os = await import('node:os');
  const jobs = opts.jobs === undefined ? os.cpus().length : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UserError(`--jobs wants a whole number of at least 1, not "${opts.jobs}".`);
  // Each argument: an id or number (the bundled course), a lesson file, or a folder (every lesson in it).
  // A course is read once, so the lessons of one course are the same objects wherever they appear.
  const courses = new Map<string, Promise<Catalog>>();
  const courseOf = (dir: string | null): Promise<Catalog> => {
    const key = dir === null ? '' : resolve(dir);
    if (!courses.has(key)) courses.set(key, dir === null ? loadCatalog() : loadCourse(dir).then((c) => c.catalog));
    return courses.get(key)!;
  };
  const isDir = (a: string): boolean => {
    try {
      return statSync(a).isDirectory();
    } catch {
      return false;
    }
  };
  const chains: Lesson[][] = [];
  for (const arg of args.length ? args : [null]) {
    if (arg === null || isDir(arg)) {
      const catalog = courseOf(arg);
      const { lessons, broken } = await catalog;
      // A file of the folder that is no lesson is refused as resolving it by path would.
      for (const file of broken.keys()) await resolveLesson(file, catalog);
      for (const l of lessons) chains.push((await resolveLesson(l.file, catalog)).chain);
    } else if (isPath(arg) && existsSync(arg)) {
      chains.push((await resolveLesson(arg, courseOf(dirname(arg)))).chain);
    } else chains.push((await resolveLesson(arg, isPath(arg) ? undefined : courseOf(null))).chain);
  }
  const order = await Promise.all(
    [...courses.values()].map(async (c) => {
      const catalog = await c;
      return courseOrder(catalog.byId, catalog.lessons);
    }),
  );
  assertTools();
  // A killed `test` cannot clean up; its labs died with it (they are ephemeral), their records are swept here.
  const leftovers = listRecords().filter(
    (r) => r.creator?.command.startsWith('test') && currentStatus(r) === 'orphaned',
  );
  for (const r of leftovers) await destroyLab(r.name);
  if (leftovers.length)
    process.stderr.write(
      `tsnet-learn: test removed ${leftovers.length} lab record${leftovers.length === 1 ? '' : 's'} left by a killed earlier run (${[...new Set(leftovers.map((r) => `pid ${r.creator!.pid}`))].join(', ')})\n`,
    );
  // Ctrl-C or a kill: every lab of this run goes, unless --keep keeps those of the lessons still running.
  onInterrupt(
    'test',
    () => {
      const { kept } = interruptLabs();
      if (kept.length === 0) return 'every lab of this run was destroyed';
      const lines = kept.map((n) => `  ${n.padEnd(20)} ${readRecord(n)?.creator?.command ?? ''}`);
      return `kept the labs of the ${kept.length} interrupted lesson run${kept.length === 1 ? '' : 's'} (--keep):\n${lines.join('\n')}\nLook around with \`tsnet-learn lab shell NAME\`; remove each with \`tsnet-learn lab destroy NAME\`.`;
    },
    exit,
  );
  const pretty = opts.format === 'pretty';
  if (pretty)
    process.stdout.write(
      `Testing ${chains.length} lesson${chains.length === 1 ? '' : 's'}, ${jobs} at a time, each in a fresh lab${opts.ablate ? ', then ablation' : ''}\n`,
    );
  const result = await testCourse({
    chains,
    courses: order,
    jobs,
    ablate: Boolean(opts.ablate),
    keep: Boolean(opts.keep),
    onLesson: (l) => {
      if (!pretty) return;
      process.stdout.write(
        `${l.status === 'passed' ? '✔' : '✖'} ${l.lesson.padEnd(10)} ${(l.durationMs / 1000).toFixed(1)} s${l.failure ? `  ${l.failure}` : ''}\n`,
      );
      for (const c of l.checks.filter((c) => c.status === 'failed'))
        process.stdout.write(`    ✖ ${c.id} ${c.title}: ${c.message}\n`);
    },
  });
  if (pretty) {
    if (result.ablation) {
      if (result.ablation.length === 0)
        process.stdout.write('✔ ablation: every step is verified by its checks, and every check can fail\n');
      for (const f of result.ablation)
        process.stdout.write(
          `✖ ablation: ${f.transient ? 'this transient claim is still true after every later step of the course, so it tests nothing' : f.kind === 'check-cannot-fail' ? 'this check passes whichever step is left out, so it tests nothing' : 'leaving out this step fails none of its checks'}: ${f.id} "${f.title}"\n`,
        );
    }
    process.stdout.write(
      `\n${result.passed ? '✔ all passed' : '✖ failed'} (${(result.durationMs / 1000).toFixed(1)} s)\n`,
    );
  } else if (opts.format !== 'pretty') {
    const { courseDocument, tapCourse, junitCourse } = await import('../../report/courseFormats.js');
    const { jsonReport } = await import('../../report/reportDocument.js');
    const doc = courseDocument(result);
    process.stdout.write({ json: jsonReport, tap: tapCourse, junit: junitCourse }[opts.format](doc));
  }
  code = result.passed ? 0 : 1;
  return code;
}
