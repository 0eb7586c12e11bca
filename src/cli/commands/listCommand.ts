// `tsnet-learn list [COURSE]`: the lessons of a course, with their steps, checks and prerequisites.

/** The exit code: 0 (a lesson file that is not valid is named on stderr). */
export async function listCommand(course: string | undefined, opts: { format: 'pretty' | 'json' }): Promise<number> {
  const { loadCatalog, loadCourse } = await import('../../lesson/catalog.js');
  const { formatList, checkCount } = await import('../../report/describeLesson.js');
  // A folder stands for its lessons, a file for itself; nothing: the bundled course.
  const given = course === undefined ? null : await loadCourse(course);
  const c = given?.catalog ?? (await loadCatalog());
  const lessons = given?.file ? [given.file.result.lesson].filter((l) => l !== null) : c.lessons;
  const broken = given?.file ? (given.file.result.lesson ? [] : [given.file.file]) : [...c.broken.keys()];
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        lessons.map((l) => ({
          id: l.id,
          title: l.title,
          steps: l.steps.length,
          checks: checkCount(l),
          prerequisites: l.prerequisites,
        })),
        null,
        2,
      )}\n`,
    );
  } else process.stdout.write(`${formatList(lessons)}\n`);
  for (const file of broken)
    process.stderr.write(`tsnet-learn: ${file} is not a valid lesson (tsnet-learn show ${file} tells why)\n`);
  return 0;
}
