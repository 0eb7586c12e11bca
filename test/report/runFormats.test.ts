import t from 'tap';
import { runDocument } from '../../src/report/runFormats.js';
import type { CheckReport, RunReport, StepReport } from '../../src/run/runReport.js';
import { stepsOf, validReport } from '../helpers/report.js';

const step = (lesson: string, index: number, over: Partial<StepReport> = {}): StepReport => ({
  lesson,
  index,
  title: `step ${index}`,
  status: 'passed',
  commands: [],
  failure: null,
  durationMs: 100,
  changes: [],
  ...over,
});

const check = (lesson: string, stepIndex: number, over: Partial<CheckReport> = {}): CheckReport => ({
  id: `${lesson}:${stepIndex}.1`,
  lesson,
  step: stepIndex,
  kind: 'link',
  title: `claim of ${lesson} step ${stepIndex}`,
  status: 'passed',
  message: 'ok',
  hint: null,
  points: 1,
  durationMs: 0,
  ...over,
});

/** Lesson 5 was already there, lesson 6 fails at step 2 by a check, lesson 7 never ran. */
const report: RunReport = {
  lesson: 'lesson-7',
  target: 'lab:mine',
  passed: false,
  durationMs: 2500.7,
  lessons: [
    { id: 'lesson-5', title: 'Bridge', role: 'prerequisite', status: 'satisfied' },
    { id: 'lesson-6', title: 'Outside', role: 'prerequisite', status: 'failed' },
    { id: 'lesson-7', title: 'Publish', role: 'lesson', status: 'skipped' },
  ],
  steps: [
    step('lesson-5', 1, { status: 'satisfied', durationMs: 0, changes: null }),
    step('lesson-6', 1, {
      changes: ['~ sysctl net.ipv4.ip_forward: 0 → 1 (the host)'],
      commands: [
        {
          line: 'echo 1 > /proc/sys/net/ipv4/ip_forward',
          context: 'host',
          shellLine: 'echo 1 > /proc/sys/net/ipv4/ip_forward',
          exitCode: 0,
          mayFail: false,
          stdout: '',
          stderr: '',
          durationMs: 3.4,
        },
      ],
    }),
    step('lesson-6', 2, { status: 'failed', failure: '1 check failed' }),
    step('lesson-6', 3, { status: 'skipped', durationMs: 0, changes: null }),
    step('lesson-7', 1, { status: 'skipped', durationMs: 0, changes: null }),
  ],
  checks: [
    check('lesson-5', 1),
    check('lesson-6', 1, { points: 2 }),
    check('lesson-6', 2, { status: 'failed', message: 'no route', hint: 'ip route add default via 172.18.0.1' }),
    check('lesson-6', 3, { status: 'skipped', message: 'not run: an earlier step failed', points: 3 }),
    check('lesson-7', 1, { kind: 'http', status: 'skipped', message: 'not run: an earlier step failed' }),
  ],
};

t.test('a run as the report document: valid, checks and steps grouped by lesson, changes kept', async (t) => {
  const doc = validReport(runDocument(report));
  t.match(doc, { command: 'run', lesson: 'lesson-7', target: 'lab:mine', passed: false, durationMs: 2501 });
  t.same(
    doc.lessons.map((l) => [l.id, l.role, l.status, l.checks.length, l.steps?.length]),
    [
      ['lesson-5', 'prerequisite', 'satisfied', 1, 1],
      ['lesson-6', 'prerequisite', 'failed', 3, 3],
      ['lesson-7', 'lesson', 'skipped', 1, 1],
    ],
  );
  t.same(stepsOf(doc)[1]!.changes, ['~ sysctl net.ipv4.ip_forward: 0 → 1 (the host)']);
  t.equal(stepsOf(doc)[1]!.commands[0]!.durationMs, 3);
  t.equal(doc.lessons[1]!.failure, 'lesson-6 step 2: 1 check failed');
  t.equal(doc.lessons[1]!.durationMs, 200, "a lesson's time is its steps'");
});

t.test('points: a skipped check counts neither way, a failed one only as possible', async (t) => {
  const doc = runDocument(report);
  t.same(doc.summary, {
    earned: 3,
    possible: 4,
    passed: 2,
    failed: 1,
    skipped: 2,
    skipReasons: ['not run: an earlier step failed'],
  });
  t.same(
    doc.lessons.map((l) => [l.earned, l.possible]),
    [
      [1, 1],
      [2, 3],
      [0, 0],
    ],
  );
  t.same(
    doc.lessons.flatMap((l) => l.checks.filter((c) => c.status === 'skipped').map((c) => c.earned)),
    [0, 0],
  );
});

t.test('the root cause of a run is its first failed step: by its failed check, with the hint as fix', async (t) => {
  t.same(runDocument(report).rootCause, {
    lesson: 'lesson-6',
    check: 'lesson-6:2.1',
    message: 'claim of lesson-6 step 2: no route',
    fix: 'ip route add default via 172.18.0.1',
  });
});

t.test('a step whose command failed is the root cause, naming no check', async (t) => {
  const failing = report.steps.map((s) =>
    s.lesson === 'lesson-6' && s.index === 2
      ? { ...s, failure: '`ip link add br0 type bridge` exited with 2: RTNETLINK answers: File exists' }
      : s,
  );
  const checks = report.checks.map((c) =>
    c.lesson === 'lesson-6' && c.step === 2
      ? { ...c, status: 'skipped' as const, message: 'not run: the step failed' }
      : c,
  );
  t.same(validReport(runDocument({ ...report, steps: failing, checks })).rootCause, {
    lesson: 'lesson-6',
    check: null,
    message: 'lesson-6 step 2 "step 2": `ip link add br0 type bridge` exited with 2: RTNETLINK answers: File exists',
    fix: null,
  });
});

t.test('a run that passed has no root cause', async (t) => {
  const passed: RunReport = {
    ...report,
    passed: true,
    lessons: [report.lessons[0]!],
    steps: [report.steps[0]!],
    checks: [report.checks[0]!],
  };
  const doc = validReport(runDocument(passed));
  t.equal(doc.rootCause, null);
  t.same(doc.summary, { earned: 1, possible: 1, passed: 1, failed: 0, skipped: 0, skipReasons: [] });
});
