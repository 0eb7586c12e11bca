// "Not yet" claims (`transient`) hold right after their step only: a later step of their lesson, or a later
// lesson of the course, changes them. No left-out step can show that, so the course is taken in order in
// one fresh lab and each claim is judged after every step that follows its own, until it is false.
import { checkKinds } from '../../checks/index.js';
import { evaluateWithSnapshot } from '../judge/evaluateChecks.js';
import type { Snapshot } from '../snapshot/model.js';
import type { CheckDecl, Lesson, Step } from '../lesson/lesson.js';
import { inFreshLab } from '../target/inFreshLab.js';
import { runLessons } from './runLessons.js';

export interface TransientVerdict {
  decl: CheckDecl;
  lesson: string;
  /** The first step after which the claim was false (`lesson-id:step`), or null: it never was. */
  falseAfter: string | null;
  /** The step at which taking the course in order failed before the claim was shown false, if it did. */
  courseFailed: string | null;
}

/** The transient claims of these lessons, with the lesson that declares each. Pure. */
export function transientClaims(lessons: readonly Lesson[]): { lesson: Lesson; step: Step; decl: CheckDecl }[] {
  return lessons.flatMap((lesson) =>
    lesson.steps.flatMap((step) => step.checks.filter((d) => d.transient).map((decl) => ({ lesson, step, decl }))),
  );
}

/**
 * Which claims to judge after each step, and when the run may stop. Feed it the steps in the order they
 * run; it answers with the claims declared before that step and not yet shown false. Pure.
 */
export class TransientSchedule {
  /** Claims whose step has not run yet, by check id (unique in a course). */
  private readonly waiting = new Map<string, { at: string; decl: CheckDecl }>();
  private readonly pending = new Map<string, CheckDecl>();
  /** Check id → the step after which it was first false. */
  readonly falseAfter = new Map<string, string>();

  constructor(claims: readonly { lesson: Lesson; step: Step; decl: CheckDecl }[]) {
    for (const c of claims) this.waiting.set(c.decl.id, { at: `${c.lesson.id}:${c.step.index}`, decl: c.decl });
  }

  /** The claims to judge once the step that just ran is done: those declared by earlier steps. */
  due(): CheckDecl[] {
    return [...this.pending.values()];
  }

  /** Records which of them were false, then takes in the claims `step` itself declared; false: all shown. */
  after(lesson: Lesson, step: Step, falseNow: readonly CheckDecl[]): boolean {
    const at = `${lesson.id}:${step.index}`;
    for (const d of falseNow) if (this.pending.delete(d.id)) this.falseAfter.set(d.id, at);
    for (const [id, w] of this.waiting)
      if (w.at === at) {
        this.waiting.delete(id);
        this.pending.set(id, w.decl);
      }
    return this.pending.size > 0 || this.waiting.size > 0;
  }
}

/**
 * A claim about a namespace that is gone fails, but says nothing then: "every namespace has lo" is not
 * shown false by deleting the namespace. Only a claim judged where it was made counts.
 */
export function aboutWhatExists(decl: CheckDecl, snapshot: Snapshot): boolean {
  return checkKinds[decl.kind]!.needs(decl.args).every((n) => n.ns === 'host' || snapshot.spaces[n.ns] !== null);
}

let labs = 0;

/**
 * Takes `course` (lessons in the order a learner takes them) in a fresh lab and reports, for each of
 * `claims`, the first step after which it was false. Stops as soon as every claim has been.
 */
export async function judgeTransients(
  claims: readonly { lesson: Lesson; step: Step; decl: CheckDecl }[],
  course: readonly Lesson[],
  keep = false,
): Promise<TransientVerdict[]> {
  const schedule = new TransientSchedule(claims);
  let courseFailed: string | null = null;
  if (claims.length > 0)
    await inFreshLab(
      `transient-${process.pid}-${labs++}`,
      { command: `test --ablate: transient claims, course up to ${course.at(-1)?.id}`, keep },
      async (target, shell) => {
        // A failed step ends it: what comes after would judge a network the course never builds.
        const report = await runLessons({
          chain: [...course],
          target,
          shell,
          commandTimeoutS: 10,
          afterStep: async (lesson, step) => {
            const due = schedule.due();
            const judged = due.length ? await evaluateWithSnapshot(due, shell, target) : null;
            const falseNow = (judged?.results ?? [])
              .filter((r) => r.status === 'failed' && aboutWhatExists(r.decl, judged!.snapshot))
              .map((r) => r.decl);
            return schedule.after(lesson, step, falseNow);
          },
        });
        const failed = report.steps.find((st) => st.status === 'failed');
        if (failed) courseFailed = `${failed.lesson} step ${failed.index}: ${failed.failure}`;
      },
    );
  return claims.map((c) => ({
    decl: c.decl,
    lesson: c.lesson.id,
    falseAfter: schedule.falseAfter.get(c.decl.id) ?? null,
    courseFailed,
  }));
}
