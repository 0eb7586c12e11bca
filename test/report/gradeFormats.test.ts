import { spawnSync } from 'node:child_process';
import t from 'tap';
import { Parser } from 'tap-parser';
import type { GradedCheck, GradeReport } from '../../src/judge/grade.js';
import { gradeDocument, junitGrade, prettyGrade, tapGrade } from '../../src/report/gradeFormats.js';
import { validReport } from '../helpers/report.js';
import '../helpers/noColors.js';

const check = (over: Partial<GradedCheck> & Pick<GradedCheck, 'id' | 'status'>): GradedCheck => ({
  lesson: 'lesson-6',
  step: 1,
  kind: 'addr',
  title: over.id,
  message: 'ok',
  hint: null,
  points: 1,
  earned: over.status === 'pass' ? (over.points ?? 1) : 0,
  durationMs: 0,
  ...over,
});

const masquerade = check({
  id: 'lesson-6:4.1',
  step: 4,
  kind: 'rule',
  title: 'MASQUERADE',
  status: 'fail',
  message: 'not in nat POSTROUTING: "x" <y>',
  hint: 'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
  points: 2,
});

const report: GradeReport = {
  lesson: 'lesson-7',
  target: 'pid:42',
  passed: false,
  earned: 3,
  possible: 7,
  skipped: 1,
  skipReasons: ['no outside world'],
  durationMs: 1234.4,
  lessons: [
    {
      id: 'lesson-6',
      title: 'Reach <the> "outside" & more',
      earned: 1,
      possible: 4,
      checks: [
        check({ id: 'lesson-6:1.1', title: 'br0 has # an address', status: 'pass' }),
        masquerade,
        check({
          id: 'lesson-6:4.2',
          step: 4,
          kind: 'ping',
          title: 'outside',
          status: 'skip',
          message: 'no outside world',
        }),
      ],
    },
    {
      id: 'lesson-7',
      title: 'Publish a port',
      earned: 2,
      possible: 3,
      checks: [
        check({
          id: 'lesson-7:2.1',
          lesson: 'lesson-7',
          step: 2,
          kind: 'ping',
          status: 'pass',
          points: 2,
          durationMs: 100,
        }),
        check({
          id: 'lesson-7:3.1',
          lesson: 'lesson-7',
          step: 3,
          kind: 'http',
          status: 'fail',
          message: 'no answer',
          durationMs: 812.6,
        }),
      ],
    },
  ],
  rootCause: { check: masquerade, cause: 'MASQUERADE: not in nat POSTROUTING', fix: masquerade.hint },
};

t.test('a grade as the report document: valid, one status vocabulary, grouped by lesson', async (t) => {
  const doc = validReport(gradeDocument(report));
  t.match(doc, { tool: 'tsnet-learn', schemaVersion: 1, command: 'check', lesson: 'lesson-7', target: 'pid:42' });
  t.equal(doc.durationMs, 1234, 'whole milliseconds');
  t.same(
    doc.lessons.map((l) => [l.id, l.role, l.status, l.earned, l.possible]),
    [
      ['lesson-6', 'prerequisite', 'failed', 1, 4],
      ['lesson-7', 'lesson', 'failed', 2, 3],
    ],
  );
  t.same(
    doc.lessons.flatMap((l) => l.checks.map((c) => c.status)),
    ['passed', 'failed', 'skipped', 'passed', 'failed'],
  );
  t.same(doc.summary, {
    earned: 3,
    possible: 7,
    passed: 2,
    failed: 2,
    skipped: 1,
    skipReasons: ['no outside world'],
  });
  t.same(doc.rootCause, {
    lesson: 'lesson-6',
    check: 'lesson-6:4.1',
    message: 'MASQUERADE: not in nat POSTROUTING',
    fix: masquerade.hint,
  });
  t.equal(doc.lessons[0]!.failure, 'MASQUERADE: not in nat POSTROUTING: "x" <y>');
  t.equal(doc.lessons[1]!.durationMs, 813, "a lesson's time is its slowest probe's");
  t.notOk('steps' in doc.lessons[0]!, 'steps are for run');
});

t.test('a skipped check is never earned, even when the grade says otherwise', async (t) => {
  const odd: GradeReport = {
    ...report,
    lessons: [{ ...report.lessons[0]!, checks: [check({ id: 'x', status: 'skip', earned: 1 })] }],
    rootCause: null,
  };
  t.equal(validReport(gradeDocument(odd)).lessons[0]!.checks[0]!.earned, 0);
});

t.test('a target that could not be read fails every check, and the message says it was an error', async (t) => {
  const unreadable: GradeReport = {
    ...report,
    lessons: [{ ...report.lessons[0]!, checks: [check({ id: 'x', status: 'error', message: 'error: gone' })] }],
    rootCause: null,
  };
  t.match(validReport(gradeDocument(unreadable)).lessons[0]!.checks[0], { status: 'failed', message: 'error: gone' });
});

t.test('a cause that names no check is still the root cause, without a lesson', async (t) => {
  const doc = validReport(
    gradeDocument({ ...report, rootCause: { check: null, cause: 'nothing answers', fix: null } }),
  );
  t.same(doc.rootCause, { lesson: null, check: null, message: 'nothing answers', fix: null });
  t.match(junitGrade(doc), /<property name="rootCause" value="nothing answers"\/>/);
  t.match(tapGrade(doc), /\n# First broken link: nothing answers\n/);
});

t.test('TAP is read by the TAP parser with its passes, failures, skips, hints and root cause', async (t) => {
  const tap = tapGrade(gradeDocument(report));
  const failures: { name: string; diag: Record<string, unknown> }[] = [];
  const res = await new Promise<{ ok: boolean; count: number; pass: number; fail: number; skip: number }>((resolve) => {
    const p = new Parser((r) =>
      resolve(r as unknown as { ok: boolean; count: number; pass: number; fail: number; skip: number }),
    );
    p.on('assert', (a: { ok: boolean; name: string; diag: Record<string, unknown> }) => {
      if (!a.ok) failures.push(a);
    });
    p.end(tap);
  });
  t.match(res, { ok: false, count: 5, fail: 2, skip: 1 });
  t.match(failures[0]!.diag, {
    status: 'failed',
    hint: masquerade.hint,
    rootCause: 'MASQUERADE: not in nat POSTROUTING',
    fix: masquerade.hint,
  });
  t.notOk('rootCause' in failures[1]!.diag, 'only the root cause says it is one');
  t.match(tap, /br0 has \\# an address/, 'a # in a title does not start a directive');
  t.match(tap, /not ok 5 - lesson-7:3\.1 \(lesson-7:3\.1\) # time=813ms/);
  t.match(
    tap,
    /\n# 3\/7 points\n# 1 check not judged: no outside world\n# First broken link \(lesson-6, step 4\): MASQUERADE: not in nat POSTROUTING\n/,
  );
  t.match(tap, /\n# Fix it first: iptables -t nat -A POSTROUTING/);
});

t.test('JUnit is well-formed XML with escaped text, times in seconds, hints and the root cause', async (t) => {
  const xml = junitGrade(gradeDocument(report));
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import sys, json, xml.dom.minidom as m
d = m.parseString(sys.stdin.read())
print(json.dumps({
  "suite": d.getElementsByTagName("testsuite")[0].getAttribute("name"),
  "times": [e.getAttribute("time") for e in d.getElementsByTagName("testsuites") + d.getElementsByTagName("testsuite") + d.getElementsByTagName("testcase")],
  "props": {p.getAttribute("name"): p.getAttribute("value") for p in d.getElementsByTagName("testsuite")[0].getElementsByTagName("properties")[0].getElementsByTagName("property")},
  "failure": d.getElementsByTagName("failure")[0].firstChild.data,
}))`,
    ],
    { input: xml, encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as {
    suite: string;
    times: string[];
    props: Record<string, string>;
    failure: string;
  };
  t.equal(parsed.suite, 'lesson-6: Reach <the> "outside" & more');
  t.same(parsed.times, ['1.234', '0.000', '0.813', '0.000', '0.000', '0.000', '0.100', '0.813']);
  t.same(parsed.props, {
    earned: '1',
    possible: '4',
    rootCause: 'MASQUERADE: not in nat POSTROUTING',
    rootCauseCheck: 'lesson-6:4.1',
    fix: masquerade.hint,
  });
  t.equal(
    parsed.failure,
    [
      'not in nat POSTROUTING: "x" <y>',
      `hint: ${masquerade.hint}`,
      'First broken link (lesson-6, step 4): MASQUERADE: not in nat POSTROUTING',
      `Fix it first: ${masquerade.hint}`,
    ].join('\n'),
  );
  t.match(xml, /<testsuites [^>]*tests="5" failures="2" skipped="1" time="1\.234"/);
  t.match(xml, /<skipped message="no outside world"\/>/);
  t.match(xml, /<property name="status" value="failed"\/>/, 'the report vocabulary');
});

t.test('the pretty report names the first broken link and its fix', async (t) => {
  const text = prettyGrade(report);
  t.match(text, /1\/4 points/);
  t.match(text, /3\/7 points/);
  t.match(text, /First broken link \(lesson-6, step 4\): MASQUERADE/);
  t.match(text, /Fix it first: iptables -t nat -A POSTROUTING/);
});

t.test(
  'every format says how many checks were not judged, and why: they count as possible, never as earned',
  async (t) => {
    t.match(prettyGrade(report), /✖ failed: 3\/7 points\n1 check not judged: no outside world/);
    t.match(tapGrade(gradeDocument(report)), /\n# 3\/7 points\n# 1 check not judged: no outside world\n/);
    t.match(
      junitGrade(gradeDocument(report)),
      /<testsuites name="[^"]*3\/7 points, 1 check not judged: no outside world"/,
    );
    const passedButUnjudged = prettyGrade({ ...report, rootCause: null });
    t.notMatch(passedButUnjudged, /✔ passed/, 'a report that is not passed never says passed');
  },
);
