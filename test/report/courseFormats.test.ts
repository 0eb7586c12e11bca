import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Parser } from 'tap-parser';
import { courseDocument, junitCourse, tapCourse } from '../../src/report/courseFormats.js';
import type { CheckReport } from '../../src/run/runReport.js';
import type { CourseTest } from '../../src/run/testCourse.js';
import { validReport } from '../helpers/report.js';

const check = (over: Partial<CheckReport> & Pick<CheckReport, 'id' | 'lesson'>): CheckReport => ({
  step: 1,
  kind: 'netns',
  title: over.id,
  status: 'passed',
  message: 'ok',
  hint: null,
  points: 1,
  durationMs: 0,
  ...over,
});

const result: CourseTest = {
  passed: false,
  durationMs: 5000,
  ablationDurationMs: 3000,
  lessons: [
    {
      lesson: 'lesson-1',
      title: 'Namespaces',
      status: 'passed',
      durationMs: 400,
      failure: null,
      checks: [check({ id: 'lesson-1:1.1', lesson: 'lesson-1' })],
    },
    {
      lesson: 'wrong-claim',
      title: 'A wrong claim',
      status: 'failed',
      durationMs: 300,
      failure: 'wrong-claim step 1: 1 check failed',
      checks: [
        check({ id: 'lesson-1:1.1', lesson: 'lesson-1' }),
        check({
          id: 'claims-netns9',
          lesson: 'wrong-claim',
          title: 'namespace netns9 exists',
          status: 'failed',
          message: 'netns9 is not listed <by> ip netns',
          hint: 'this lesson claims a namespace & never makes it',
          points: 2,
        }),
      ],
    },
  ],
  ablation: [
    { kind: 'check-cannot-fail', lesson: 'cannot-fail', id: 'always-true', title: 'netns9 is not there & never is' },
  ],
};

t.test('test results as the report document: valid, a lesson each with the checks its run judged', async (t) => {
  const doc = validReport(courseDocument(result));
  t.match(doc, { command: 'test', lesson: null, target: null, passed: false, rootCause: null, durationMs: 5000 });
  t.same(
    doc.lessons.map((l) => [l.id, l.title, l.role, l.status, l.earned, l.possible, l.failure]),
    [
      ['lesson-1', 'Namespaces', 'lesson', 'passed', 1, 1, null],
      ['wrong-claim', 'A wrong claim', 'lesson', 'failed', 1, 3, 'wrong-claim step 1: 1 check failed'],
    ],
  );
  t.same(doc.summary, { earned: 2, possible: 4, passed: 2, failed: 1, skipped: 0, skipReasons: [] });
  t.same(doc.ablation, { durationMs: 3000, findings: result.ablation });
  t.equal(validReport(courseDocument({ ...result, ablation: null, ablationDurationMs: null })).ablation, null);
});

t.test('test results in TAP: a point per lesson and per finding, failed checks with their hints', async (t) => {
  const tap = tapCourse(courseDocument(result));
  const failures: { name: string; diag: Record<string, unknown> }[] = [];
  const res = await new Promise<{ ok: boolean; count: number; pass: number; fail: number }>((resolve) => {
    const p = new Parser((r) => resolve(r as unknown as { ok: boolean; count: number; pass: number; fail: number }));
    p.on('assert', (a: { ok: boolean; name: string; diag: Record<string, unknown> }) => {
      if (!a.ok) failures.push(a);
    });
    p.end(tap);
  });
  t.match(res, { ok: false, count: 3, pass: 1, fail: 2 });
  t.same(failures[0]!.diag, {
    failure: 'wrong-claim step 1: 1 check failed',
    failedChecks: [
      {
        id: 'claims-netns9',
        lesson: 'wrong-claim',
        title: 'namespace netns9 exists',
        message: 'netns9 is not listed <by> ip netns',
        hint: 'this lesson claims a namespace & never makes it',
      },
    ],
  });
  t.match(tap, /^ok 1 - lesson-1: Namespaces # time=400ms$/m);
});

t.test('test results in JUnit: well-formed XML, times in seconds, failed checks with their hints', async (t) => {
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import sys, json, xml.dom.minidom as m
d = m.parseString(sys.stdin.read())
print(json.dumps({
  "cases": len(d.getElementsByTagName("testcase")),
  "failures": len(d.getElementsByTagName("failure")),
  "times": [e.getAttribute("time") for e in d.getElementsByTagName("testsuites") + d.getElementsByTagName("testsuite") + d.getElementsByTagName("testcase")],
  "failure": d.getElementsByTagName("failure")[0].firstChild.data,
}))`,
    ],
    { input: junitCourse(courseDocument(result)), encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout), {
    cases: 3,
    failures: 2,
    times: ['5.000', '2.000', '3.000', '0.400', '0.300', '0.000'],
    failure:
      'claims-netns9 namespace netns9 exists: netns9 is not listed <by> ip netns\n  hint: this lesson claims a namespace & never makes it',
  });
});

t.test('without findings, the ablation is one passing test point that took the whole ablation', async (t) => {
  const doc = courseDocument({ ...result, passed: true, lessons: [result.lessons[0]!], ablation: [] });
  t.match(tapCourse(doc), /\nok 2 - ablation: every step is verified and every check can fail # time=3000ms\n/);
  t.match(junitCourse(doc), /<testcase classname="ablation" name="every check can fail" time="3\.000">/);
});
