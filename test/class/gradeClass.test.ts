// The scheduling of a class: a stand-in for grading one student (timed, no machine) shows the order kept
// and the limit on students at once.
import t from 'tap';
import { gradeClass } from '../../src/class/gradeClass.js';
import type { StudentResult } from '../../src/class/classReport.js';
import type { GradeContext } from '../../src/class/gradeStudent.js';
import type { RosterEntry } from '../../src/class/roster.js';
import { resolveLesson } from '../../src/lesson/catalog.js';

const entry = (student: string, line: number): RosterEntry => ({
  student,
  target: `ssh:${student}`,
  hostIp: null,
  sudo: false,
  sshOptions: [],
  line,
});

t.test('at most --jobs students at once, results in roster order whatever order they finish in', async (t) => {
  const { chain } = await resolveLesson('lesson-7');
  const ctx = { chain, only: false, vars: {}, timeoutS: 5, probeFromGrader: false } as unknown as GradeContext;
  let running = 0;
  let most = 0;
  const finished: string[] = [];
  const entries = Array.from({ length: 7 }, (_, i) => entry(`s${i}`, i + 2));
  const report = await gradeClass(entries, ctx, 3, { onDone: (r) => finished.push(r.student) }, async (e) => {
    running++;
    most = Math.max(most, running);
    // Earlier students take longer: they finish out of order.
    await new Promise((r) => setTimeout(r, 40 - Number(e.student.slice(1)) * 5));
    running--;
    const passed = e.student !== 's3';
    return {
      student: e.student,
      target: e.target,
      status: passed ? 'passed' : 'unreachable',
      earned: passed ? 10 : 0,
      possible: passed ? 10 : 0,
      percent: passed ? 100 : 0,
      durationMs: 1,
      problem: passed ? null : { kind: 'unreachable', message: 'no', fix: null },
      report: null,
    } satisfies StudentResult;
  });
  t.equal(most, 3, 'three at a time');
  t.strictSame(
    report.results.map((r) => r.student),
    entries.map((e) => e.student),
  );
  t.notSame(
    finished,
    entries.map((e) => e.student),
    'they did finish in another order',
  );
  t.equal(report.ungradable, 1);
  t.equal(report.results[3]!.possible, 10, 'the unreachable student is out of what the others could score');
});
