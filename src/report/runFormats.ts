// A run report as the report document (--format json): checks and steps grouped by lesson. Pure.
import { stepFailure, type CheckReport, type RunReport } from '../run/runReport.js';
import {
  header,
  ms,
  score,
  summarize,
  type ReportCheck,
  type ReportDocument,
  type ReportLesson,
} from './reportDocument.js';

/** A check judged in a run (or in a `test` lesson's run), as the report has it. */
export function runCheckDocument(c: CheckReport): ReportCheck {
  return {
    id: c.id,
    lesson: c.lesson,
    step: c.step,
    kind: c.kind,
    title: c.title,
    status: c.status,
    points: c.points,
    earned: c.status === 'passed' ? c.points : 0,
    message: c.message,
    hint: c.hint,
    durationMs: ms(c.durationMs),
  };
}

export function runDocument(r: RunReport): ReportDocument {
  const lessons: ReportLesson[] = r.lessons.map((l) => {
    const steps = r.steps.filter((s) => s.lesson === l.id);
    const checks = r.checks.filter((c) => c.lesson === l.id).map(runCheckDocument);
    const failed = steps.find((s) => s.status === 'failed');
    return {
      id: l.id,
      title: l.title,
      role: l.role,
      status: l.status,
      ...score(checks),
      durationMs: steps.reduce((n, s) => n + ms(s.durationMs), 0),
      failure: failed ? stepFailure(failed) : null,
      checks,
      steps: steps.map((s) => ({
        index: s.index,
        title: s.title,
        status: s.status,
        failure: s.failure,
        durationMs: ms(s.durationMs),
        changes: s.changes,
        commands: s.commands.map((c) => ({
          line: c.line,
          context: c.context,
          shellLine: c.shellLine,
          exitCode: c.exitCode,
          mayFail: c.mayFail,
          stdout: c.stdout,
          stderr: c.stderr,
          durationMs: ms(c.durationMs),
        })),
      })),
    };
  });
  // The first failed step is what to fix first: by its first failed check when its checks failed it.
  const step = r.steps.find((s) => s.status === 'failed');
  const check =
    step && r.checks.find((c) => c.lesson === step.lesson && c.step === step.index && c.status === 'failed');
  return {
    ...header('run'),
    lesson: r.lesson,
    target: r.target,
    passed: r.passed,
    durationMs: ms(r.durationMs),
    summary: summarize(lessons),
    rootCause: !step
      ? null
      : check
        ? { lesson: check.lesson, check: check.id, message: `${check.title}: ${check.message}`, fix: check.hint }
        : {
            lesson: step.lesson,
            check: null,
            message: `${step.lesson} step ${step.index} "${step.title}": ${step.failure}`,
            fix: null,
          },
    lessons,
  };
}
