// `tsnet-learn list`: the lessons, with their steps, checks and prerequisites.

/** The exit code: 0 (a lesson file that is not valid is named on stderr). */
export async function listCommand(opts: { format: 'pretty' | 'json' }): Promise<number> {
  const { loadCatalog } = await import('../../lesson/catalog.js');
  const { formatList, checkCount } = await import('../../report/describeLesson.js');
  const c = await loadCatalog();
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        c.lessons.map((l) => ({
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
  } else process.stdout.write(`${formatList(c.lessons)}\n`);
  for (const [file] of c.broken)
    process.stderr.write(`tsnet-learn: ${file} is not a valid lesson (tsnet-learn show ${file} tells why)\n`);
  return 0;
}
