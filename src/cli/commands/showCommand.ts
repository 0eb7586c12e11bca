// `tsnet-learn show`: a lesson as the runner sees it: steps, each command with its context, the checks.

/** The exit code: 0 (an unknown or broken lesson throws UserError: exit 2). */
export async function showCommand(lessonArg: string): Promise<number> {
  const { resolveLesson } = await import('../../lesson/catalog.js');
  const { formatShow } = await import('../../report/describeLesson.js');
  const { lesson, chain } = await resolveLesson(lessonArg);
  process.stdout.write(`${formatShow(lesson, chain)}\n`);
  return 0;
}
