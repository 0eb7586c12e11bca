import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Parser } from 'tap-parser';
import { junitCourse, tapCourse } from '../../src/report/courseFormats.js';
import type { CourseTest } from '../../src/run/testCourse.js';

const result: CourseTest = {
  passed: false,
  durationMs: 5000,
  lessons: [
    { lesson: 'lesson-1', status: 'passed', durationMs: 400, failure: null, failedChecks: [] },
    {
      lesson: 'wrong-claim',
      status: 'failed',
      durationMs: 300,
      failure: 'wrong-claim step 1: 1 check failed',
      failedChecks: ['claims-netns9 namespace netns9 exists: netns9 is not listed <by> ip netns'],
    },
  ],
  ablation: [
    { kind: 'check-cannot-fail', lesson: 'cannot-fail', id: 'always-true', title: 'netns9 is not there & never is' },
  ],
};

t.test('test results in TAP are read by the TAP parser: a point per lesson and per finding', async (t) => {
  const res = await new Promise<{ ok: boolean; count: number; pass: number; fail: number }>((resolve) => {
    const p = new Parser((r) => resolve(r as unknown as { ok: boolean; count: number; pass: number; fail: number }));
    p.end(tapCourse(result));
  });
  t.match(res, { ok: false, count: 3, pass: 1, fail: 2 });
});

t.test('test results in JUnit are well-formed XML', async (t) => {
  const r = spawnSync(
    'python3',
    [
      '-c',
      'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.read()); print(len(d.getElementsByTagName("testcase")), len(d.getElementsByTagName("failure")))',
    ],
    { input: junitCourse(result), encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), '3 2');
});
