// What a run does with a lesson, as a value: where it resumes, which steps already hold, which are left
// out, which run. Pure: from the lesson and the verdicts of judging what the target holds; runLessons
// carries the plan out. Each lesson is planned when the run gets to it, since what the target holds then
// includes what the lessons before it applied.
import type { CheckResult } from '../judge/evaluateChecks.js';
import type { CheckDecl, Lesson, Step } from '../lesson/lesson.js';
import { type Superseded, withoutSuperseded } from '../judge/supersede.js';
import { lastingChecks, resumePoint } from './resumePoint.js';

export const TRANSIENT_NOT_JUDGED = 'describes the state while the step runs; not judged again once it is done';
const SUPERSEDED = (s: Superseded): string => `${s.byLesson} changes this on purpose (${s.by.title}); not judged here`;

/** A check a step that holds is not judged on again: transient, or undone on purpose by a later lesson. */
export function notJudged(d: CheckDecl, superseded?: ReadonlyMap<string, Superseded>): CheckResult {
  const by = superseded?.get(d.id);
  return { decl: d, status: 'skipped', message: by ? SUPERSEDED(by) : TRANSIENT_NOT_JUDGED };
}

export type StepAction =
  /** Before the resume point: its claims hold, so it is reported with these verdicts and not applied again. */
  | { kind: 'holds'; results: CheckResult[] }
  /** Left out on purpose (ablation): not applied, but its checks are judged where it would have run. */
  | { kind: 'leave-out' }
  /**
   * Applied. `unlessHolds`: a change step in a target that was not new is judged first, and counts as done
   * when its lasting claims hold already (a second run, or a learner got there by hand).
   */
  | { kind: 'run'; unlessHolds: boolean };

export interface StepPlan {
  step: Step;
  action: StepAction;
}

export interface LessonPlan {
  lesson: Lesson;
  role: 'prerequisite' | 'lesson';
  /** Every lasting claim holds: nothing of the lesson runs. */
  satisfied: boolean;
  /** The 1-based step it starts at; past its last step when satisfied. */
  resumeAt: number;
  steps: StepPlan[];
}

export interface Holding {
  /** The target was made for this run: nothing can be done in it yet, so nothing was judged. */
  fresh: boolean;
  /** The verdicts of the lesson's lasting checks by check id (`judgeLasting`); empty when fresh. */
  verdicts: ReadonlyMap<string, CheckResult>;
  /** Steps to leave out, as `lesson-id:step` (ablation). */
  skipSteps?: ReadonlySet<string>;
  /** Claims a later lesson undoes on purpose, by check id: not demanded, reported as not judged. */
  superseded?: ReadonlyMap<string, Superseded>;
}

/** The verdicts a step that holds is reported with: its transient checks are not judged again. */
function heldResults(step: Step, holding: Holding): CheckResult[] {
  return step.checks.map((d) => holding.verdicts.get(d.id) ?? notJudged(d, holding.superseded));
}

/** Plans one lesson of a run. Pure. */
export function planLesson(lesson: Lesson, role: LessonPlan['role'], holding: Holding): LessonPlan {
  let resumeAt = 1;
  if (!holding.fresh) {
    const at = resumePoint(
      holding.superseded ? withoutSuperseded(lesson, holding.superseded) : lesson,
      holding.verdicts,
    );
    resumeAt = at.done ? lesson.steps.length + 1 : at.step;
  }
  const steps = lesson.steps.map((step): StepPlan => {
    if (step.index < resumeAt) return { step, action: { kind: 'holds', results: heldResults(step, holding) } };
    if (holding.skipSteps?.has(`${lesson.id}:${step.index}`)) return { step, action: { kind: 'leave-out' } };
    const unlessHolds = !holding.fresh && step.kind === 'change' && lastingChecks(step).length > 0;
    return { step, action: { kind: 'run', unlessHolds } };
  });
  return { lesson, role, satisfied: resumeAt > lesson.steps.length, resumeAt, steps };
}

/**
 * Whether a step planned `unlessHolds` is done already, from the verdicts of its lasting checks: none
 * failed and at least one passed. A probe this target cannot make (no outside world on a host) neither
 * confirms nor denies: applying the step again would only duplicate what is there (`iptables -A` twice).
 * Returns the step's results (transient ones not judged), or null when it must run. Pure.
 */
export function alreadyHolds(
  step: Step,
  results: readonly CheckResult[],
  superseded?: ReadonlyMap<string, Superseded>,
): CheckResult[] | null {
  if (results.some((r) => r.status === 'failed') || !results.some((r) => r.status === 'passed')) return null;
  return step.checks.map((d: CheckDecl) => results.find((r) => r.decl === d) ?? notJudged(d, superseded));
}
