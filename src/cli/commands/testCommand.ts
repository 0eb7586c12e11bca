// `tsnet-learn test`: every lesson from scratch in fresh labs, in parallel, optionally with ablation.
import { UserError } from '../../core/errors.js';
import { destroyLab, interruptLabs } from '../../lab/lab.js';
import { listRecords, readRecord } from '../../lab/labStore.js';
import { currentStatus } from '../../lab/labStatus.js';
import { type Exit, onInterrupt } from '../../exec/onInterrupt.js';

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2; a signal exits 130/143). */
export async function testCommand(
  args: string[],
  opts: { jobs?: string; ablate?: boolean; keep?: boolean; format: 'pretty' | 'json' | 'tap' | 'junit' },
  exit: Exit,
): Promise<number> {
  let code = 0;
  const { loadCatalog, resolveLesson } = await import('../../lesson/catalog.js');
  const { assertTools } = await import('../../exec/preflight.js');
  const { testCourse } = await import('../../run/testCourse.js');
  const os = await import('node:os');
  const jobs = opts.jobs === undefined ? os.cpus().length : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UserError(`--jobs wants a whole number of at least 1, not "${opts.jobs}".`);
  const catalog = loadCatalog();
  const ids = args.length ? args : (await catalog).lessons.map((l) => l.id);
  const chains = await Promise.all(ids.map(async (a) => (await resolveLesson(a, catalog)).chain));
  const all = (await catalog).lessons;
  const courseEnd = (await resolveLesson(all.at(-1)!.id, catalog)).chain;
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
    courseEnd,
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
          `✖ ablation: ${f.kind === 'check-cannot-fail' ? 'this check passes whichever step is left out, so it tests nothing' : 'leaving out this step fails none of its checks'}: ${f.id} "${f.title}"\n`,
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
