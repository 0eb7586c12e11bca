// One result per student, and the class around them: counts and the mean, for every class format. Pure.
import type { GradeReport } from '../judge/grade.js';
import type { RemoteProblem, RemoteProblemKind } from '../target/remoteProblem.js';

/** passed / failed: graded. Any other: could not be graded, and why (unreachable, key-refused, …). */
export type StudentStatus = 'passed' | 'failed' | RemoteProblemKind;

export interface StudentResult {
  student: string;
  /** The target as the report names it: `ssh://root@192.0.2.11`, `ssh:alice`, `lab:alice`. */
  target: string;
  status: StudentStatus;
  earned: number;
  possible: number;
  /** earned / possible, in percent, one decimal. */
  percent: number;
  durationMs: number;
  /** Why the student could not be graded; null when graded. */
  problem: RemoteProblem | null;
  /** The student's own grade report (as `check --format json` gives it); null when not graded. */
  report: GradeReport | null;
}

export interface ClassReport {
  lesson: string;
  students: number;
  passed: number;
  failed: number;
  /** Students who could not be graded at all. */
  ungradable: number;
  /** The mean percent over the whole class, the ungraded counted as 0. */
  meanPercent: number;
  results: StudentResult[];
}

export const graded = (r: StudentResult): boolean => r.status === 'passed' || r.status === 'failed';

export function percentOf(earned: number, possible: number): number {
  return possible === 0 ? 0 : Math.round((earned / possible) * 1000) / 10;
}

/** What to fix first, in a line: the cause and fix of the first broken link, or why grading was impossible. */
export function firstFix(r: StudentResult): { cause: string; fix: string } {
  if (r.problem) return { cause: r.problem.message, fix: r.problem.fix ?? '' };
  const root = r.report?.rootCause;
  // Nothing failed, but not everything could be judged here: say what, since the points are not all earned.
  if (!root && r.report?.skipped)
    return {
      cause: `${r.report.skipped} checks could not be judged: ${r.report.skipReasons[0] ?? ''}`,
      fix: r.target.startsWith('ssh')
        ? 'grade again with --probe-from-grader: the grader sends those probes itself'
        : '',
    };
  if (!root) return { cause: '', fix: '' };
  const where = root.check ? `${root.check.lesson} step ${root.check.step}: ` : '';
  return { cause: `${where}${root.cause}`, fix: root.fix ?? '' };
}

/**
 * The class report, in roster order. A student who could not be graded scores 0 of what the graded ones
 * could score (`possible`: the most any graded student could, else all the lesson's points).
 */
export function classReport(lesson: string, results: readonly StudentResult[], lessonPoints: number): ClassReport {
  const possibles = results.filter(graded).map((r) => r.possible);
  const possible = possibles.length ? Math.max(...possibles) : lessonPoints;
  const all = results.map((r) => (graded(r) ? r : { ...r, earned: 0, possible, percent: 0 }));
  return {
    lesson,
    students: all.length,
    passed: all.filter((r) => r.status === 'passed').length,
    failed: all.filter((r) => r.status === 'failed').length,
    ungradable: all.filter((r) => !graded(r)).length,
    meanPercent: all.length ? Math.round((all.reduce((n, r) => n + r.percent, 0) / all.length) * 10) / 10 : 0,
    results: all,
  };
}
