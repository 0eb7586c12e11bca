// A small class to render: one student passed, one failed with a root cause, one unreachable; names and
// texts carry the characters each format must escape (<, ", comma, a leading =).
import type { GradedCheck, GradeReport } from '../../src/judge/grade.js';
import { classReport, type ClassReport, type StudentResult } from '../../src/class/classReport.js';

const check = (id: string, status: GradedCheck['status'], extra: Partial<GradedCheck> = {}): GradedCheck => ({
  id,
  lesson: id.split(':')[0]!,
  step: Number(id.split(':')[1]!.split('.')[0]),
  kind: 'ping',
  title: `check ${id}`,
  status,
  message: status === 'pass' ? 'ok' : status === 'skip' ? 'no outside world' : 'missing',
  hint: status === 'fail' ? `fix ${id} <now>` : null,
  points: 1,
  earned: status === 'pass' ? 1 : 0,
  durationMs: 0,
  ...extra,
});

function report(target: string, checks: GradedCheck[]): GradeReport {
  const scored = checks.filter((c) => c.status !== 'skip');
  const first = checks.find((c) => c.status === 'fail') ?? null;
  const earned = scored.reduce((n, c) => n + c.earned, 0);
  return {
    lesson: 'lesson-7',
    target,
    passed: first === null,
    durationMs: 0,
    earned,
    possible: scored.length,
    lessons: [{ id: 'lesson-7', title: 'Publish "a" port', earned, possible: scored.length, checks }],
    rootCause: first ? { check: first, cause: `${first.title}: ${first.message}`, fix: first.hint } : null,
  };
}

const graded = (student: string, target: string, r: GradeReport): StudentResult => ({
  student,
  target,
  status: r.passed ? 'passed' : 'failed',
  earned: r.earned,
  possible: r.possible,
  percent: Math.round((r.earned / r.possible) * 1000) / 10,
  durationMs: 1234,
  problem: null,
  report: r,
});

export function smallClass(): ClassReport {
  return classReport(
    'lesson-7',
    [
      graded(
        'alice',
        'ssh:alice',
        report('ssh:alice', [
          check('lesson-7:1.1', 'pass'),
          check('lesson-7:2.1', 'pass'),
          check('lesson-7:2.2', 'skip'),
        ]),
      ),
      graded(
        '=1+1 <b>bob</b>, "the"',
        'ssh://root@192.0.2.12',
        report('ssh://root@192.0.2.12', [
          check('lesson-7:1.1', 'pass'),
          check('lesson-7:2.1', 'fail'),
          check('lesson-7:2.2', 'skip'),
        ]),
      ),
      {
        student: 'erin',
        target: 'ssh://root@127.0.0.1:1',
        status: 'unreachable',
        earned: 0,
        possible: 0,
        percent: 0,
        durationMs: 5,
        problem: { kind: 'unreachable', message: 'cannot reach 127.0.0.1: Connection refused', fix: 'is it on?' },
        report: null,
      },
    ],
    3,
  );
}
