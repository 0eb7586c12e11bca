// How far the learner got in each lesson, judged on a lab: done, at step k of n, or not started.
import type { CheckResult } from './evaluateChecks.js';
import type { Lesson } from './lesson.js';
import { judgeLasting, lastingChecks, resumePoint } from './resumePoint.js';
import type { Shell } from './shell.js';
import type { Target } from './target.js';

export type LessonProgress = { state: 'done' } | { state: 'not-started' } | { state: 'at'; step: number; of: number };

/** Pure: "not started" when none of its lasting claims holds, else where `learn` would pick it up. */
export function lessonProgress(lesson: Lesson, verdicts: ReadonlyMap<string, Pick<CheckResult, 'status'>>): LessonProgress {
  const at = resumePoint(lesson, verdicts);
  if (at.done) return { state: 'done' };
  const any = lesson.steps.some((s) => lastingChecks(s).some((d) => verdicts.get(d.id)?.status === 'passed'));
  return any ? { state: 'at', step: at.step, of: lesson.steps.length } : { state: 'not-started' };
}

export function formatProgress(p: LessonProgress): string {
  return p.state === 'done' ? 'done' : p.state === 'not-started' ? 'not started' : `step ${p.step} of ${p.of}`;
}

/** Every lesson at once: one snapshot for all state checks, then the probes that decide something. */
export async function courseProgress(lessons: readonly Lesson[], shell: Shell, target: Target): Promise<Map<string, LessonProgress>> {
  const verdicts = await judgeLasting(lessons, shell, target);
  return new Map(lessons.map((l) => [l.id, lessonProgress(l, verdicts)]));
}
