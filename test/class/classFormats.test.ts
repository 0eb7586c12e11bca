import { spawnSync } from 'node:child_process';
import t from 'tap';
import { csvClass, csvField, jsonClass, junitClass, prettyClass } from '../../src/class/classFormats.js';
import { splitCsvLine } from '../../src/class/roster.js';
import { gradeDocument } from '../../src/report/gradeFormats.js';
import { smallClass } from '../helpers/classResults.js';
import { validReport } from '../helpers/report.js';
import '../helpers/noColors.js';

t.test('pretty is a table: student, points, status, first thing to fix, and the class line', async (t) => {
  const text = prettyClass(smallClass());
  t.match(text, /^student\s+points\s+status\s+first thing to fix$/m);
  t.match(text, /^alice\s+2\/2\s+passed\s*$/m);
  t.match(text, /^erin\s+0\/2\s+unreachable\s+cannot reach 127\.0\.0\.1: Connection refused — is it on\?$/m);
  t.match(text, /1 passed, 1 failed, 1 could not be graded; class mean 50%/);
  for (const line of prettyClass(smallClass(), 40).split('\n')) t.ok(line.length <= 40, `cut to the terminal: ${line}`);
});

t.test('csv is a gradebook: a header, a line per student, read back field for field', async (t) => {
  const lines = csvClass(smallClass()).trimEnd().split('\r\n');
  t.equal(lines[0], 'student,earned,possible,percent,status,root cause,fix');
  t.strictSame(splitCsvLine(lines[1]!), ['alice', '2', '2', '100', 'passed', '', '']);
  t.strictSame(splitCsvLine(lines[2]!), [
    `'=1+1 <b>bob</b>, "the"`,
    '1',
    '2',
    '50',
    'failed',
    'lesson-7 step 2: check lesson-7:2.1: missing',
    'fix lesson-7:2.1 <now>',
  ]);
  t.strictSame(splitCsvLine(lines[3]!)?.slice(0, 5), ['erin', '0', '2', '0', 'unreachable']);
  t.equal(lines.length, 4);
});

t.test('python reads the csv as the same rows', async (t) => {
  const r = spawnSync('python3', ['-c', 'import csv, sys, json; print(json.dumps(list(csv.reader(sys.stdin))))'], {
    input: csvClass(smallClass()),
    encoding: 'utf8',
  });
  const rows = JSON.parse(r.stdout) as string[][];
  t.equal(rows.length, 4);
  t.equal(rows[2]![0], `'=1+1 <b>bob</b>, "the"`);
});

t.test('a leading = + - @ is defused: a spreadsheet never runs a student name as a formula', async (t) => {
  t.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  t.equal(csvField('@SUM(1)'), "'@SUM(1)");
  t.equal(csvField('-1+1'), "'-1+1");
  t.equal(csvField(-1), '-1', 'numbers stay numbers');
  t.equal(csvField('plain'), 'plain');
});

t.test('json is the class report, each student with the report check --format json prints', async (t) => {
  const back = JSON.parse(jsonClass(smallClass()));
  const { results, ...rest } = smallClass();
  t.strictSame({ ...back, results: undefined }, { ...JSON.parse(JSON.stringify(rest)), results: undefined });
  t.strictSame(
    back.results.map((s: { report: unknown }) => s.report),
    results.map((s) => (s.report ? JSON.parse(JSON.stringify(gradeDocument(s.report))) : null)),
  );
  for (const s of back.results) if (s.report) validReport(s.report);
  t.equal(back.results[1].report.rootCause.check, 'lesson-7:2.1');
  t.equal(back.results[2].report, null);
});

t.test('junit: one testsuite per student, an ungradable one is an error; python parses it', async (t) => {
  const xml = junitClass(smallClass());
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import sys, json, xml.dom.minidom as m
d = m.parseString(sys.stdin.read())
print(json.dumps([[s.getAttribute(a) for a in ("name", "tests", "failures", "errors", "skipped")] for s in d.getElementsByTagName("testsuite")]))`,
    ],
    { input: xml, encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  t.strictSame(JSON.parse(r.stdout), [
    ['alice', '3', '0', '0', '1'],
    ['=1+1 <b>bob</b>, "the"', '3', '1', '0', '1'],
    ['erin', '1', '0', '1', '0'],
  ]);
  t.match(
    xml,
    /<error type="unreachable" message="cannot reach 127\.0\.0\.1: Connection refused">fix: is it on\?<\/error>/,
  );
  t.match(
    xml,
    /<testsuites name="tsnet-learn grade lesson-7: 1 passed, 1 failed, 1 could not be graded; class mean 50%" tests="7" failures="1" errors="1" skipped="2">/,
  );
});
