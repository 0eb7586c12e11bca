// `tsnet-learn check`: grade a network someone else built; inspect and probe only.
import type { RemoteOptions } from '../../class/gradeContext.js';
import type { Exit } from '../../exec/onInterrupt.js';
import type { GradeReport } from '../../judge/grade.js';

/** The exit code: 0 all passed, 1 something failed (bad input or an ungradable target throw UserError: exit 2). */
export async function checkCommand(
  lessonArg: string,
  opts: RemoteOptions & { target: string; format: 'pretty' | 'json' | 'tap' | 'junit'; outside?: string },
  exit: Exit,
): Promise<number> {
  const [
    { resolveLesson },
    { parseTargetSpec, openTarget },
    { UserError },
    { grade },
    { parseVars },
    formats,
    { jsonReport },
  ] = await Promise.all([
    import('../../lesson/catalog.js'),
    import('../../target/target.js'),
    import('../../core/errors.js'),
    import('../../judge/grade.js'),
    import('../../judge/parseVars.js'),
    import('../../report/gradeFormats.js'),
    import('../../report/reportDocument.js'),
  ]);
  const { chain } = await resolveLesson(lessonArg);
  const spec = parseTargetSpec(opts.target);
  const render = (report: GradeReport): number => {
    if (opts.format === 'pretty') process.stdout.write(formats.prettyGrade(report));
    else {
      const rendering = { tap: formats.tapGrade, junit: formats.junitGrade, json: jsonReport }[opts.format];
      process.stdout.write(rendering(formats.gradeDocument(report)));
    }
    return report.passed ? 0 : 1;
  };
  if (spec.kind === 'ssh') {
    if (opts.outside !== undefined)
      throw new UserError(
        '--outside is for --target host or pid:PID.',
        'On a remote machine, probes of the outside world are sent from the grader: --probe-from-grader.',
      );
    const [{ gradeContext }, { gradeStudent }, { missingTools }] = await Promise.all([
      import('../../class/gradeContext.js'),
      import('../../class/gradeStudent.js'),
      import('../../exec/preflight.js'),
    ]);
    const ctx = gradeContext(chain, opts);
    const { killOpenConnections } = await import('../../target/sshTarget.js');
    (await import('../../exec/onInterrupt.js')).onInterrupt(
      'check',
      () => {
        killOpenConnections();
        return 'nothing was changed on the machine';
      },
      exit,
    );
    const missing = missingTools(['ssh', ...(ctx.probeFromGrader ? ['curl', 'ping'] : [])]);
    if (missing.length) throw new UserError(`Missing on this machine: ${missing.join(', ')}.`);
    const r = await gradeStudent(
      { student: opts.target, target: opts.target, hostIp: null, sudo: false, sshOptions: [], line: 0 },
      ctx,
    );
    if (!r.report)
      throw new UserError(`Cannot grade ${r.target}: ${r.problem!.message.replace(/\.$/, '')}.`, r.problem!.fix);
    return render(r.report);
  }
  for (const [set, flag] of [
    [opts.sshConfig !== undefined, '--ssh-config'],
    [opts.sshOption.length > 0, '--ssh-option'],
    [opts.sudo, '--sudo'],
    [opts.probeFromGrader, '--probe-from-grader'],
    [opts.timeout !== undefined, '--timeout'],
  ] as const)
    if (set) throw new UserError(`${flag} is for a remote machine (--target ssh://… or ssh:ALIAS).`);
  const vars = parseVars(opts.var);
  (await import('../../exec/preflight.js')).assertTools();
  const target = await openTarget(spec, { create: false, allowHost: true, outside: opts.outside });
  // Grading only reads: node's own spawn starts faster than execa.
  const { openShell } = await import('../../target/shell.js');
  const shell = await openShell(target.argv, target.jobsDir, (await import('../../exec/spawn.js')).nodeSpawner);
  try {
    return render(await grade({ chain, only: Boolean(opts.only), vars, target, shell }));
  } finally {
    await shell.close();
  }
}
