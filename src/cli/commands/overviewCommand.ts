// `tsnet-learn` alone: the lessons and, when the lab "default" (or the one --target names) exists, how far
// the learner got in each.
import { UserError } from '../../core/errors.js';
import type { LessonProgress } from '../../learn/courseProgress.js';

export async function overviewCommand(targetText = 'lab:default'): Promise<string> {
  const [{ loadCatalog }, { formatList }, { findLab }, { labTarget, parseTargetSpec }, progressMod] = await Promise.all(
    [
      import('../../lesson/catalog.js'),
      import('../../report/describeLesson.js'),
      import('../../lab/lab.js'),
      import('../../target/target.js'),
      import('../../learn/courseProgress.js'),
    ],
  );
  const spec = parseTargetSpec(targetText);
  if (spec.kind !== 'lab')
    throw new UserError(
      `The overview shows how far you got in a lab, not in ${targetText}.`,
      `Use --target lab:NAME; to grade ${targetText}, use: tsnet-learn check LESSON --target ${targetText}`,
    );
  const name = spec.name;
  // How later commands name this lab: nothing for the lab "default".
  const option = name === 'default' ? '' : ` --target lab:${name}`;
  const { lessons } = await loadCatalog();
  const lab = findLab(name);
  if (!lab) {
    return name === 'default'
      ? `Lessons:\n${formatList(lessons)}\n\nNo lab yet. Start with: tsnet-learn learn lesson-1   (creates the lab "default"; or: tsnet-learn run lesson-1)\n`
      : `Lessons:\n${formatList(lessons)}\n\nNo lab "${name}" yet. Start with: tsnet-learn learn lesson-1${option}   (creates it; or: tsnet-learn run lesson-1${option})\n`;
  }
  const { openShell } = await import('../../target/shell.js');
  const target = labTarget(lab, false);
  const shell = await openShell(target.argv, target.jobsDir);
  let progress: Map<string, LessonProgress>;
  try {
    progress = await progressMod.courseProgress(lessons, shell, target);
  } finally {
    await shell.close();
  }
  const values = new Map([...progress].map(([id, p]) => [id, progressMod.formatProgress(p)]));
  const ids = (state: LessonProgress['state']): string[] =>
    lessons.filter((l) => progress.get(l.id)?.state === state).map((l) => l.id);
  const done = ids('done');
  const superseded = ids('superseded');
  const summary = [
    done.length
      ? `Built in the lab now: ${done.join(', ')} (tsnet-learn check N agrees, and also sends the probes).`
      : 'Nothing of the lessons is built in the lab yet.',
    ...(superseded.length
      ? [`Superseded: ${superseded.join(', ')}; a later lesson that is done starts over without them.`]
      : []),
  ];
  const next = progressMod.nextLesson(lessons, progress);
  const footer = next
    ? `Next lesson: tsnet-learn learn ${next}${option}`
    : `${lessons.at(-1)?.id}, the last lesson, is done. To do a lesson again in a new lab: tsnet-learn learn N${option} --from-scratch`;
  const table = formatList(lessons, { header: `IN LAB ${name}`, values });
  const head = `Lessons, and how far you got in the lab "${name}", by what is built there now:`;
  return `${head}\n${table}\n\n${summary.join('\n')}\n${footer}\n`;
}
