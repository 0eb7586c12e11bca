// `tsnet-learn check`: grade a network someone else built; inspect and probe only.

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2). */
export async function checkCommand(
  lessonArg: string,
  opts: { target: string; format: 'pretty' | 'json' | 'tap' | 'junit'; only?: boolean; var: string[] },
): Promise<number> {
  let code = 0;
  // Only what opens the target first: the shell starts while the judge loads, and the report's formats
  // load while the target is read and probed.
  const [{ resolveLesson }, { parseTargetSpec, openTarget }, { assertTools }, { openShell }, { parseVars }] =
    await Promise.all([
      import('../../lesson/catalog.js'),
      import('../../target/target.js'),
      import('../../exec/preflight.js'),
      import('../../target/shell.js'),
      import('../../judge/parseVars.js'),
    ]);
  const { chain } = await resolveLesson(lessonArg);
  const vars = parseVars(opts.var);
  assertTools();
  const target = await openTarget(parseTargetSpec(opts.target), { create: false, allowHost: true });
  const shell = await openShell(target.argv, target.jobsDir);
  try {
    const { grade } = await import('../../judge/grade.js');
    const [report, formats, { jsonReport }] = await Promise.all([
      grade({ chain, only: Boolean(opts.only), vars, target, shell }),
      import('../../report/gradeFormats.js'),
      import('../../report/reportDocument.js'),
    ]);
    if (opts.format === 'pretty') process.stdout.write(formats.prettyGrade(report));
    else {
      const render = { tap: formats.tapGrade, junit: formats.junitGrade, json: jsonReport }[opts.format];
      process.stdout.write(render(formats.gradeDocument(report)));
    }
    code = report.passed ? 0 : 1;
  } finally {
    await shell.close();
  }
  return code;
}
