// How far the learner got in each lesson, judged on a lab: done, at step k of n, not started, waiting for a
// prerequisite, or superseded by a later lesson that starts over without it. By what is built there (the
// lasting state checks, one snapshot for every lesson): an overview must be quick, and a probe into the
// void takes a second. `check` and `learn` also send the probes. "done" means what `check` means: the
// lesson and its prerequisites hold.
import { evaluateChecks, type CheckResult } from '../judge/evaluateChecks.js';
import { prerequisiteChain } from '../lesson/chain.js';
import type { Lesson } from '../lesson/lesson.js';
import { isProbe, lastingChecks, lastingStateChecks, resumePoint } from '../run/resumePoint.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';

export type LessonProgress =
  | { state: 'done' }
  | { state: 'not-started' }
  | { state: 'at'; step: number; of: number }
  /** Its own steps may hold, but a prerequisite's do not: `check` would fail there. */
  | { state: 'needs'; lesson: string }
  /** A later lesson that is done starts over without it (from `by` on), so its network is gone on purpose. */
  | { state: 'superseded'; by: string };

/** The lesson as its state checks alone see it. */
const withoutProbes = (lesson: Lesson): Lesson => ({
  ...lesson,
  steps: lesson.steps.map((s) => ({ ...s, checks: s.checks.filter((d) => !isProbe(d)) })),
});

/**
 * Pure: "not started" when none of its own lasting state claims holds, or only out of order (leftovers),
 * else where `learn` would pick it up by them.
 */
export function lessonProgress(
  lesson: Lesson,
  verdicts: ReadonlyMap<string, Pick<CheckResult, 'status'>>,
): LessonProgress {
  const state = withoutProbes(lesson);
  const at = resumePoint(state, verdicts);
  if (at.done) return { state: 'done' };
  // Claims that hold out of order are another lesson's leftovers: learn would start at step 1.
  if (at.stray) return { state: 'not-started' };
  const any = state.steps.some((s) => lastingChecks(s).some((d) => verdicts.get(d.id)?.status === 'passed'));
  return any ? { state: 'at', step: at.step, of: lesson.steps.length } : { state: 'not-started' };
}

/**
 * Every lesson, as `check` would judge it with its prerequisites: done when they all hold; superseded
 * when a later lesson is done whose chain leaves it out; waiting for the first prerequisite that does
 * not hold; else its own progress. `lessons` in course order. Pure.
 */
export function courseStanding(
  lessons: readonly Lesson[],
  verdicts: ReadonlyMap<string, Pick<CheckResult, 'status'>>,
): Map<string, LessonProgress> {
  const own = new Map(lessons.map((l) => [l.id, lessonProgress(l, verdicts)]));
  const byId = new Map(lessons.map((l) => [l.id, l]));
  const chains = new Map(
    lessons.map((l) => {
      const c = prerequisiteChain(byId, l);
      return [l.id, c.ok ? c.chain : [l]];
    }),
  );
  const built = (l: Lesson): boolean => chains.get(l.id)!.every((c) => own.get(c.id)?.state === 'done');
  const order = new Map(lessons.map((l, i) => [l.id, i]));
  return new Map(
    lessons.map((lesson, i): [string, LessonProgress] => {
      if (built(lesson)) return [lesson.id, { state: 'done' }];
      for (const later of lessons.slice(i + 1).reverse()) {
        const chain = chains.get(later.id)!;
        if (!built(later) || chain.some((c) => c.id === lesson.id)) continue;
        const from = chain.find((c) => order.get(c.id)! > i) ?? later;
        return [lesson.id, { state: 'superseded', by: from.id }];
      }
      const missing = chains.get(lesson.id)!.find((c) => c.id !== lesson.id && own.get(c.id)?.state !== 'done');
      const mine = own.get(lesson.id)!;
      if (missing && mine.state !== 'not-started') return [lesson.id, { state: 'needs', lesson: missing.id }];
      return [lesson.id, mine];
    }),
  );
}

/**
 * The lesson to take next: the last one in progress, else the first after the last done that is not
 * done, else (all done) null. Pure.
 */
export function nextLesson(lessons: readonly Lesson[], standing: ReadonlyMap<string, LessonProgress>): string | null {
  const state = (l: Lesson): LessonProgress['state'] | undefined => standing.get(l.id)?.state;
  // A lesson past its first step is the one being worked on; "step 1 of n" alone only means not done
  // (a lesson whose first step only cleans up is "at step 1" in any lab), so the first of those comes next.
  const at = lessons.filter((l) => state(l) === 'at');
  const going = at.filter((l) => (standing.get(l.id) as { step?: number }).step! > 1).at(-1) ?? at[0];
  if (going) return going.id;
  const lastDone = lessons.map((l) => state(l) === 'done').lastIndexOf(true);
  return lessons.slice(lastDone + 1).find((l) => state(l) !== 'done' && state(l) !== 'superseded')?.id ?? null;
}

export function formatProgress(p: LessonProgress): string {
  switch (p.state) {
    case 'done':
      return 'done';
    case 'not-started':
      return 'not started';
    case 'at':
      return `step ${p.step} of ${p.of}`;
    case 'needs':
      return `needs ${p.lesson} first`;
    case 'superseded':
      return `superseded by ${p.by}`;
  }
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
  return courseStanding(lessons, verdicts);
}
