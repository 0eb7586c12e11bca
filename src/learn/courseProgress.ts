// How far the learner got in each lesson, judged on a lab: done, at step k of n, or not started.
// By what is built there (the lasting state checks, one snapshot for every lesson): an overview must
// be quick, and a probe into the void takes a second. `check` and `learn` also send the probes.
import { evaluateChecks, type CheckResult } from '../judge/evaluateChecks.js';
import type { Lesson } from '../lesson/lesson.js';
import { isProbe, lastingChecks, lastingStateChecks, resumePoint } from '../run/resumePoint.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';

export type LessonProgress = { state: 'done' } | { state: 'not-started' } | { state: 'at'; step: number; of: number };

/** The lesson as its state checks alone see it. */
const withoutProbes = (lesson: Lesson): Lesson => ({
  ...lesson,
  steps: lesson.steps.map((s) => ({ ...s, checks: s.checks.filter((d) => !isProbe(d)) })),
});

/** Pure: "not started" when none of its lasting state claims holds, else where `learn` would pick it up by them. */
export function lessonProgress(
  lesson: Lesson,
  verdicts: ReadonlyMap<string, Pick<CheckResult, 'status'>>,
): LessonProgress {
  const state = withoutProbes(lesson);
  const at = resumePoint(state, verdicts);
  if (at.done) return { state: 'done' };
  const any = state.steps.some((s) => lastingChecks(s).some((d) => verdicts.get(d.id)?.status === 'passed'));
  return any ? { state: 'at', step: at.step, of: lesson.steps.length } : { state: 'not-started' };
}

export function formatProgress(p: LessonProgress): string {
  return p.state === 'done' ? 'done' : p.state === 'not-started' ? 'not started' : `step ${p.step} of ${p.of}`;
}

/** Every lesson at once, from one snapshot. */
export async function courseProgress(
  lessons: readonly Lesson[],
  shell: Shell,
  target: Target,
): Promise<Map<string, LessonProgress>> {
  const verdicts = new Map(
    (await evaluateChecks(lastingStateChecks(lessons), shell, target)).map((r): [string, CheckResult] => [
      r.decl.id,
      r,
    ]),
  );
  return new Map(lessons.map((l) => [l.id, lessonProgress(l, verdicts)]));
}
