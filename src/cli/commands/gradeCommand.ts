// `tsnet-learn grade`: every student of a roster graded side by side, one class report.
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';
import type { RemoteOptions } from '../../class/gradeContext.js';
import type { Exit } from '../../exec/onInterrupt.js';

export type ClassFormat = 'pretty' | 'csv' | 'json' | 'junit' | 'html';

const BY_EXTENSION: Record<string, ClassFormat> = {
  csv: 'csv',
  json: 'json',
  xml: 'junit',
  html: 'html',
  htm: 'html',
  txt: 'pretty',
};

/** The format of an --output file, by its extension. Pure. */
export function outputFormat(file: string): ClassFormat {
  const format = BY_EXTENSION[/\.([^./]+)$/.exec(file)?.[1]?.toLowerCase() ?? ''];
  if (!format)
    throw new UserError(
      `Cannot tell the format of --output ${file} from its name.`,
      'Name it .csv (gradebook), .html (a page), .json, .xml (JUnit) or .txt (the table).',
    );
  return format;
}

/** The exit code: 0 every student passed, 1 one failed or could not be graded (bad input throws UserError: 2). */
export async function gradeCommand(
  lessonArg: string,
  opts: RemoteOptions & { roster: string; jobs?: string; format: ClassFormat; output: string[] },
  exit: Exit,
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
  const outputs = opts.output.map((file) => ({ file, format: outputFormat(file) }));
  const { existsSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  for (const o of outputs)
    if (!existsSync(dirname(o.file))) throw new UserError(`--output ${o.file}: the directory does not exist.`);
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
  onInterrupt(
    'grade',
    () => `ended ${killOpenConnections()} ssh connection(s); nothing was changed on any machine`,
    exit,
  );
  const { progressReporter } = await import('../../class/classProgress.js');
  const progress = progressReporter(roster.entries.length, process.stderr);
  const report = await gradeClass(roster.entries, ctx, jobs, progress);
  progress.end();

  const formats = await import('../../class/classFormats.js');
  const { htmlClass } = await import('../../class/classHtml.js');
  const render = (format: ClassFormat, width: number | null): string =>
    ({
      pretty: () => formats.prettyClass(report, width),
      csv: () => formats.csvClass(report),
      json: () => formats.jsonClass(report),
      junit: () => formats.junitClass(report),
      html: () => htmlClass(report),
    })[format]();
  const { writeFileSync } = await import('node:fs');
  // A file gets no colours, whatever the terminal.
  for (const o of outputs) writeFileSync(o.file, render(o.format, null).replace(/\x1b\[[0-9;]*m/g, ''));
  process.stdout.write(render(opts.format, process.stdout.isTTY ? (process.stdout.columns ?? null) : null));
  return report.passed === report.students ? 0 : 1;
}
