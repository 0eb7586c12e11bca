// `tsnet-learn grade`: every student of a roster graded side by side, one class report.
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';
import type { RemoteOptions } from '../../class/gradeContext.js';

export type ClassFormat = 'pretty' | 'csv' | 'json' | 'junit' | 'html';

/** The exit code: 0 every student passed, 1 one failed or could not be graded (bad input throws UserError: 2). */
export async function gradeCommand(
  lessonArg: string,
  opts: RemoteOptions & { roster: string; jobs?: string; format: ClassFormat },
): Promise<number> {
  const [{ resolveLesson }, { parseRoster }, { gradeContext, positiveNumber }, { missingTools }, { gradeClass }] =
    await Promise.all([
      import('../../lesson/catalog.js'),
      import('../../class/roster.js'),
      import('../../class/gradeContext.js'),
      import('../../exec/preflight.js'),
      import('../../class/gradeClass.js'),
    ]);
  const { chain } = await resolveLesson(lessonArg);
  const ctx = gradeContext(chain, opts);
  const jobs = opts.jobs === undefined ? 8 : positiveNumber('--jobs', opts.jobs);
  if (!Number.isInteger(jobs)) throw new UserError(`--jobs wants a whole number, not "${opts.jobs}".`);
  let text: string;
  try {
    text = readFileSync(opts.roster, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read the roster ${opts.roster}: ${(e as NodeJS.ErrnoException).code ?? e}.`);
  }
  const roster = parseRoster(opts.roster, text);
  for (const w of roster.warnings) process.stderr.write(`warning: ${w}\n`);
  const wanted = [
    ...(roster.entries.some((e) => e.target.startsWith('ssh:')) ? ['ssh'] : []),
    ...(ctx.probeFromGrader ? ['curl', 'ping'] : []),
  ];
  const missing = missingTools(wanted);
  if (missing.length)
    throw new UserError(
      `Missing on this machine: ${missing.join(', ')}.`,
      `Install them (as root): apt-get install -y ${missing.map((t) => (t === 'ssh' ? 'openssh-client' : t === 'ping' ? 'iputils-ping' : t)).join(' ')}`,
    );

  const { killOpenConnections } = await import('../../target/sshTarget.js');
  const { onInterrupt } = await import('../../exec/onInterrupt.js');
  // ssh would end by itself once its pipe closes, but a ProxyCommand or a stalled connection may not.
  onInterrupt('grade', () => `ended ${killOpenConnections()} ssh connection(s); nothing was changed on any machine`);
  const { progressReporter } = await import('../../class/classProgress.js');
  const progress = progressReporter(roster.entries.length, process.stderr);
  const report = await gradeClass(roster.entries, ctx, jobs, progress);
  progress.end();

  const formats = await import('../../class/classFormats.js');
  const render =
    opts.format === 'html'
      ? (await import('../../class/classHtml.js')).htmlClass
      : {
          pretty: (r: typeof report) =>
            formats.prettyClass(r, process.stdout.isTTY ? (process.stdout.columns ?? null) : null),
          csv: formats.csvClass,
          json: formats.jsonClass,
          junit: formats.junitClass,
        }[opts.format];
  process.stdout.write(render(report));
  return report.passed === report.students ? 0 : 1;
}
