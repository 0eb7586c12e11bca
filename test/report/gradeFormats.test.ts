import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Parser } from 'tap-parser';
import type { GradeReport } from '../../src/judge/grade.js';
import { junitGrade, prettyGrade, tapGrade } from '../../src/report/gradeFormats.js';

const report: GradeReport = {
  lesson: 'lesson-7',
  target: 'pid:42',
  passed: false,
  earned: 1,
  possible: 4,
  skipped: 1,
  skipReasons: ['no outside world'],
  rootCause: null,
  lessons: [
    {
      id: 'lesson-6',
      title: 'Reach <the> "outside" & more',
      earned: 1,
      possible: 4,
      checks: [
        {
          id: 'lesson-6:1.1',
          lesson: 'lesson-6',
          step: 1,
          title: 'br0 has # an address',
          status: 'pass',
          message: 'ok',
          hint: null,
          points: 1,
          earned: 1,
        },
        {
          id: 'lesson-6:4.1',
          lesson: 'lesson-6',
          step: 4,
          title: 'MASQUERADE',
          status: 'fail',
          message: 'not in nat POSTROUTING: "x" <y>',
          hint: 'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
          points: 2,
          earned: 0,
        },
        {
          id: 'lesson-6:4.2',
          lesson: 'lesson-6',
          step: 4,
          title: 'outside',
          status: 'skip',
          message: 'no outside world',
          hint: null,
          points: 1,
          earned: 0,
        },
      ],
    },
  ],
};
report.rootCause = {
  check: report.lessons[0]!.checks[1]!,
  cause: 'MASQUERADE: not in nat POSTROUTING',
  fix: report.lessons[0]!.checks[1]!.hint,
};

t.test('TAP output is read by the TAP parser with its passes, failures and skips', async (t) => {
  const res = await new Promise<{ ok: boolean; count: number; pass: number; fail: number; skip: number }>((resolve) => {
    const p = new Parser((r) =>
      resolve(r as unknown as { ok: boolean; count: number; pass: number; fail: number; skip: number }),
    );
    p.end(tapGrade(report));
  });
  t.match(res, { ok: false, count: 3, fail: 1, skip: 1 });
  t.match(tapGrade(report), /hint: "iptables -t nat -A POSTROUTING/);
  t.match(tapGrade(report), /br0 has \\# an address/, 'a # in a title does not start a directive');
});

t.test('JUnit output is well-formed XML with escaped text', async (t) => {
  const xml = junitGrade(report);
  const r = spawnSync(
    'python3',
    [
      '-c',
      'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.read()); print(d.getElementsByTagName("testsuite")[0].getAttribute("name"))',
    ],
    { input: xml, encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), 'lesson-6: Reach <the> "outside" & more');
  t.match(xml, /<testsuites [^>]*tests="3" failures="1" errors="0" skipped="1"/);
  t.match(xml, /<skipped message="no outside world"\/>/);
});

t.test('the pretty report names the first broken link and its fix', async (t) => {
  const text = prettyGrade(report);
  t.match(text, /1\/4 points/);
  t.match(text, /First broken link \(lesson-6, step 4\): MASQUERADE/);
  t.match(text, /Fix it first: iptables -t nat -A POSTROUTING/);
});

t.test(
  'every format says how many checks were not judged, and why: they count as possible, never as earned',
  async (t) => {
    t.match(prettyGrade(report), /✖ failed: 1\/4 points\n1 check not judged: no outside world/);
    t.match(tapGrade(report), /\n# 1\/4 points\n# 1 check not judged: no outside world\n/);
    t.match(junitGrade(report), /<testsuites name="[^"]*1\/4 points, 1 check not judged: no outside world"/);
    const passedButUnjudged = prettyGrade({ ...report, rootCause: null });
    t.notMatch(passedButUnjudged, /✔ passed/, 'a report that is not passed never says passed');
  },
);
