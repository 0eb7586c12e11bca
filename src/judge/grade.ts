// Grading a network someone else built: the lasting claims of a lesson and its prerequisites, judged
// from one snapshot plus the probes, with points, and the first broken link named. Changes nothing.
import { parseCheckLine } from '../../checks/index.js';
import { diagnose, DIAGNOSIS_NEEDS, type Cause } from './diagnose.js';
import { evaluateWithSnapshot, type CheckResult, type GraderProbes } from './evaluateChecks.js';
import type { CheckDecl, Lesson } from '../lesson/lesson.js';
import { supersededClaims } from './supersede.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';

export type GradeStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface GradedCheck {
  id: string;
  lesson: string;
  step: number;
  kind: string;
  title: string;
  status: GradeStatus;
  message: string;
  hint: string | null;
  points: number;
  earned: number;
  /** A probe's own time; 0 for a claim judged from the snapshot. */
  durationMs: number;
}

export interface GradedLesson {
  id: string;
  title: string;
  earned: number;
  possible: number;
  checks: GradedCheck[];
}

export interface GradeReport {
  lesson: string;
  target: string;
  passed: boolean;
  earned: number;
  possible: number;
  lessons: GradedLesson[];
  /** What to fix first: a cause found by diagnosis, else the first failing check in build order. */
  rootCause: RootCause | null;
  /** Reading the target, judging and probing, from start to end. */
  durationMs: number;
}

export interface RootCause {
  /** The first failing check (in build order); null when the cause stops grading itself. */
  check: GradedCheck | null;
  cause: string;
  fix: string | null;
}

/** The tutorial's host address in a check, replaced by the machine's own (--var host_ip). Pure. */
export function substitute(decl: CheckDecl, vars: Record<string, string>): CheckDecl {
  if (!vars.host_ip || !decl.source.includes('172.16.0.2')) return decl;
  const source = decl.source.replace(/172\.16\.0\.2(?![\d])/g, vars.host_ip);
  const parsed = parseCheckLine(source)!;
  return { ...decl, args: parsed.args, title: parsed.title, source };
}

/**
 * The checks that describe the finished state of each lesson of the chain: not the transient ones, nor
 * those a later step or lesson of the chain contradicts on purpose (it deletes the rule). Pure.
 */
export function gradedChecks(
  chain: readonly Lesson[],
  only: boolean,
): { lesson: Lesson; decls: { step: number; decl: CheckDecl }[] }[] {
  const superseded = supersededClaims(chain);
  return chain.slice(only ? -1 : 0).map((lesson) => ({
    lesson,
    decls: lesson.steps.flatMap((s) =>
      s.checks.filter((c) => !c.transient && !superseded.has(c.id)).map((decl) => ({ step: s.index, decl })),
    ),
  }));
}

function toGraded(lesson: string, step: number, r: CheckResult): GradedCheck {
  const status: GradeStatus = r.status === 'passed' ? 'pass' : r.status === 'skipped' ? 'skip' : 'fail';
  return {
    id: r.decl.id,
    lesson,
    step,
    kind: r.decl.kind,
    title: r.decl.title,
    status,
    message: r.message,
    hint: r.decl.hint,
    points: r.decl.points,
    earned: status === 'pass' ? r.decl.points : 0,
    durationMs: r.durationMs ?? 0,
  };
}

export async function grade(input: {
  chain: Lesson[];
  only: boolean;
  vars: Record<string, string>;
  target: Target;
  shell: Shell;
  /** Outside-world probes sent from the grading machine (remote targets, --probe-from-grader). */
  grader?: GraderProbes;
}): Promise<GradeReport> {
  const started = Date.now();
  const groups = gradedChecks(input.chain, input.only).map((g) => ({
    ...g,
    decls: g.decls.map((d) => ({ ...d, decl: substitute(d.decl, input.vars) })),
  }));
  const all = groups.flatMap((g) => g.decls.map((d) => d.decl));
  let results: CheckResult[];
  let causes: Cause[] = [];
  try {
    const judged = await evaluateWithSnapshot(all, input.shell, input.target, {
      extraNeeds: DIAGNOSIS_NEEDS,
      ...(input.grader ? { grader: input.grader } : {}),
    });
    results = judged.results;
    causes = diagnose(judged.snapshot, input.vars.host_ip ?? '172.16.0.2');
  } catch (e) {
    // The target could not be read at all: every check is an error, not a failure of the student.
    results = all.map((decl) => ({ decl, status: 'failed', message: `error: ${(e as Error).message}` }));
  }
  const lessons: GradedLesson[] = groups.map((g) => {
    const checks = g.decls.map((d) => {
      const graded = toGraded(g.lesson.id, d.step, results.find((r) => r.decl === d.decl)!);
      return graded.message.startsWith('error: ') ? { ...graded, status: 'error' as const } : graded;
    });
    const scored = checks.filter((c) => c.status !== 'skip');
    return {
      id: g.lesson.id,
      title: g.lesson.title,
      checks,
      earned: scored.reduce((n, c) => n + c.earned, 0),
      possible: scored.reduce((n, c) => n + c.points, 0),
    };
  });
  const flat = lessons.flatMap((l) => l.checks);
  const first = flat.find((c) => c.status === 'fail' || c.status === 'error');
  // A missing or broken piece of the lesson is named by its own check; a cause outside the lessons
  // (firewall, subnet, address) explains failures whose state checks all hold.
  const firstIsState = first && !['ping', 'http'].includes(all.find((d) => d.id === first.id)?.kind ?? '');
  const cause = causes[0];
  const blocking = causes.find((c) => c.blocking);
  const rootCause: RootCause | null = blocking
    ? { check: first ?? null, cause: blocking.cause, fix: blocking.fix }
    : !first
      ? null
      : cause && !firstIsState
        ? { check: first, cause: cause.cause, fix: cause.fix }
        : { check: first, cause: `${first.title}: ${first.message}`, fix: first.hint };
  return {
    lesson: input.chain.at(-1)!.id,
    target: input.target.label,
    passed: !first && !blocking,
    earned: lessons.reduce((n, l) => n + l.earned, 0),
    possible: lessons.reduce((n, l) => n + l.possible, 0),
    lessons,
    rootCause,
    durationMs: Date.now() - started,
  };
}
