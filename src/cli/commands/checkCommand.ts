// `tsnet-learn check`: grade a network someone else built; inspect and probe only.

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2). */
export async function checkCommand(
  lessonArg: string,
  opts: {
    target: string;
    format: 'pretty' | 'json' | 'tap' | 'junit';
    only?: boolean;
    var: string[];
    outside?: string;
  },
): Promise<number> {
  let code = 0;
  const [
    { resolveLesson },
    { parseTargetSpec, openTarget },
    { assertTools },
    { openShell },
    { grade, parseVars },
    formats,
  ] = await Promise.all([
    import('../../lesson/catalog.js'),
    import('../../target/target.js'),
    import('../../exec/preflight.js'),
    import('../../target/shell.js'),
    import('../../judge/grade.js'),
    import('../../report/gradeFormats.js'),
  ]);
  const { chain } = await resolveLesson(lessonArg);
  const vars = parseVars(opts.var);
  assertTools();
  const target = await openTarget(parseTargetSpec(opts.target), {
    create: false,
    allowHost: true,
    outside: opts.outside,
  });
  // Grading only reads: node's own spawn starts faster than execa.
  const shell = await openShell(target.argv, target.jobsDir, (await import('../../exec/spawner.js')).nodeSpawner);
  try {
    const report = await grade({ chain, only: Boolean(opts.only), vars, target, shell });
    const render = {
      pretty: formats.prettyGrade,
      tap: formats.tapGrade,
      junit: formats.junitGrade,
      json: (r: typeof report) => `${JSON.stringify(r, null, 2)}\n`,
    }[opts.format];
    process.stdout.write(render(report));
    code = report.passed ? 0 : 1;
  } finally {
    await shell.close();
  }
  return code;
}
