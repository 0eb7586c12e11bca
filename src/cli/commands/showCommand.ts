// `tsnet-learn show`: a lesson as the runner sees it: steps, each command with its context, the checks.

/** The exit code: 0 (an unknown or broken lesson throws UserError: exit 2). */
export async function showCommand(lessonArg: string, opts: { format: 'pretty' | 'json' }): Promise<number> {
  const { resolveLesson } = await import('../../lesson/catalog.js');
  const { formatShow, showJson } = await import('../../report/describeLesson.js');
  const { lesson, chain } = await resolveLesson(lessonArg);
  process.stdout.write(
    opts.format === 'json' ? `${JSON.stringify(showJson(lesson, chain), null, 2)}\n` : `${formatShow(lesson, chain)}\n`,
  );
  return 0;
}
