// Where to pick a lesson up in a network built partly by hand: the first step whose lasting claims do
// not hold yet. `resumePoint` is pure; `judgeLasting` gathers the verdicts it needs through a Shell.
import { checkKinds } from '../../checks/index.js';
import { lessonTopology, type LessonTopology } from '../lesson/lessonTopology.js';
import { evaluateChecks, type CheckResult, type CheckStatus } from '../judge/evaluateChecks.js';
import type { CheckDecl, Lesson, Step } from '../lesson/lesson.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';

export type ResumePoint =
  | { done: true }
  | {
      done: false;
      /** 1-based index of the step to start at. */
      step: number;
      /** Checked steps before `step` whose claims hold (they are not done again). */
      held: number;
      /**
       * Set when a claim of a later step already holds although an earlier step is not done: the
       * network was not built by this lesson in order (leftovers of another lesson), so start over.
       */
      stray: { step: number; check: CheckDecl } | null;
    };

/** The checks that describe the finished state; transient ones describe the moment of their step only. */
export const lastingChecks = (step: Step): CheckDecl[] => step.checks.filter((d) => !d.transient);

/** Traffic checks (ping, http) are sent; state checks are judged on a snapshot. */
export const isProbe = (d: CheckDecl): boolean => !checkKinds[d.kind]?.evaluate;

/**
 * A step is done when it has lasting checks, none failed and at least one passed. Steps without lasting checks (observe,
 * cleanup, "not yet" steps) are done when a later checked step is; the ones right before the first
 * unfinished step are shown again, since they belong to it. Pure.
 */
export function resumePoint(lesson: Lesson, verdicts: ReadonlyMap<string, { status: CheckStatus }>): ResumePoint {
  const passed = (d: CheckDecl): boolean => verdicts.get(d.id)?.status === 'passed';
  // A probe this target cannot make (no outside world on a host) neither confirms nor denies; one never judged denies.
  const holds = (s: Step): boolean =>
    lastingChecks(s).every((d) => passed(d) || verdicts.get(d.id)?.status === 'skipped') &&
    lastingChecks(s).some(passed);
  const checked = lesson.steps.filter((s) => lastingChecks(s).length > 0);
  const first = checked.find((s) => !holds(s));
  if (!first) return { done: true };
  const before = checked.filter((s) => s.index < first.index);
  // Only positive state claims count as evidence: "absent" and "fails" hold in an empty network too.
  for (const s of checked.filter((c) => c.index > first.index)) {
    const check = lastingChecks(s).find((d) => !isProbe(d) && !checkKinds[d.kind]!.negated(d.args) && passed(d));
    if (check) return { done: false, step: 1, held: 0, stray: { step: s.index, check } };
  }
  return { done: false, step: (before.at(-1)?.index ?? 0) + 1, held: before.length, stray: null };
}

/** The lasting state checks of these lessons: all judged on one snapshot. */
export function lastingStateChecks(lessons: readonly Lesson[]): CheckDecl[] {
  return lessons.flatMap((l) => l.steps.flatMap((s) => lastingChecks(s).filter((d) => !isProbe(d))));
}

/** The probes that can still decide where `lesson` resumes: those of its steps up to the first whose state checks fail. Pure. */
export function decidingProbes(lesson: Lesson, verdicts: ReadonlyMap<string, { status: CheckStatus }>): CheckDecl[] {
  const probes: CheckDecl[] = [];
  for (const step of lesson.steps) {
    const lasting = lastingChecks(step);
    if (!lasting.filter((d) => !isProbe(d)).every((d) => verdicts.get(d.id)?.status === 'passed')) break;
    probes.push(...lasting.filter(isProbe));
  }
  return probes;
}

/**
 * The verdicts `resumePoint` needs for each lesson, keyed by check id: every lasting state check from one
 * snapshot, then the deciding probes (probes of later steps decide nothing, and failing probes are the
 * slow ones).
 */
export async function judgeLasting(
  lessons: readonly Lesson[],
  shell: Shell,
  target: Target,
  topology: LessonTopology = lessonTopology(lessons),
): Promise<Map<string, CheckResult>> {
  const verdicts = new Map(
    (await evaluateChecks(lastingStateChecks(lessons), shell, target, { topology })).map((r) => [r.decl.id, r]),
  );
  const probes = lessons.flatMap((l) => decidingProbes(l, verdicts));
  if (probes.length)
    for (const r of await evaluateChecks(probes, shell, target, { topology })) verdicts.set(r.decl.id, r);
  return verdicts;
}
