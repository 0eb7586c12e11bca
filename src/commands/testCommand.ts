// `tsnet-learn test`: every lesson from scratch in fresh labs, in parallel, optionally with ablation.
import { UserError } from '../errors.js';
import { destroyLabsNow } from '../lab/lab.js';
import { listRecords } from '../lab/labStore.js';

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2). */
export async function testCommand(args: string[], opts: { jobs?: string; ablate?: boolean; format: 'pretty' | 'json' | 'tap' | 'junit' }): Promise<number> {
  let code = 0;
  const { loadCatalog, resolveLesson } = await import('../catalog.js');
  const { assertTools } = await import('../preflight.js');
  const { testCourse } = await import('../testCourse.js');
  const os = await import('node:os');
  const jobs = opts.jobs === undefined ? os.cpus().length : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs wants a whole number of at least 1, not "${opts.jobs}".`);
  const catalog = loadCatalog();
  const ids = args.length ? args : (await catalog).lessons.map((l) => l.id);
  const chains = await Promise.all(ids.map(async (a) => (await resolveLesson(a, catalog)).chain));
  const all = (await catalog).lessons;
  const courseEnd = (await resolveLesson(all.at(-1)!.id, catalog)).chain;
  assertTools();
  // Ctrl-C or a kill: destroy every lab this run made (their names carry our pid), then leave.
  const cleanup = (signal: string): void => {
    // Labs still being built have no record yet; killing their holders takes their inits along (--kill-child).
    destroyLabsNow(listRecords().map((r) => r.name).filter((n) => n.endsWith(`-${process.pid}`) || n.includes(`-${process.pid}-`)));
    process.stderr.write(`\ntsnet-learn test: ${signal}: every lab of this run was destroyed\n`);
    // A signal ends the run here, not at the CLI entry: 128 + SIGINT, as a shell reports it.
    process.exit(130);
  };
  process.once('SIGINT', () => cleanup('interrupted'));
  process.once('SIGTERM', () => cleanup('terminated'));
  const pretty = opts.format === 'pretty';
  if (pretty) process.stdout.write(`Testing ${chains.length} lesson${chains.length === 1 ? '' : 's'}, ${jobs} at a time, each in a fresh lab${opts.ablate ? ', then ablation' : ''}\n`);
  const result = await testCourse({
    chains,
    courseEnd,
    jobs,
    ablate: Boolean(opts.ablate),
    onLesson: (l) => {
      if (!pretty) return;
      process.stdout.write(`${l.status === 'passed' ? '✔' : '✖'} ${l.lesson.padEnd(10)} ${(l.durationMs / 1000).toFixed(1)} s${l.failure ? `  ${l.failure}` : ''}\n`);
      for (const c of l.failedChecks) process.stdout.write(`    ✖ ${c}\n`);
    },
  });
  if (pretty) {
    if (result.ablation) {
      if (result.ablation.length === 0) process.stdout.write('✔ ablation: every step is verified by its checks, and every check can fail\n');
      for (const f of result.ablation) process.stdout.write(`✖ ablation: ${f.kind === 'check-cannot-fail' ? 'this check passes whichever step is left out, so it tests nothing' : 'leaving out this step fails none of its checks'}: ${f.id} "${f.title}"\n`);
    }
    process.stdout.write(`\n${result.passed ? '✔ all passed' : '✖ failed'} (${(result.durationMs / 1000).toFixed(1)} s)\n`);
  } else if (opts.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const { tapCourse, junitCourse } = await import('../reporters/courseFormats.js');
    process.stdout.write(opts.format === 'tap' ? tapCourse(result) : junitCourse(result));
  }
  code = result.passed ? 0 : 1;
  return code;
}
