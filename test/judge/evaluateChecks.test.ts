// Outside-world probes sent by the grading machine (--probe-from-grader): only to the student's address.
import t from 'tap';
import { parseCheckLine } from '../../checks/index.js';
import { evaluateWithSnapshot } from '../../src/judge/evaluateChecks.js';
import type { CheckDecl } from '../../src/lesson/lesson.js';
import type { Target } from '../../src/target/target.js';
import { recordedShell } from '../helpers/recordedShell.js';
import { snapshotText } from '../helpers/snapshot.js';

const decl = (source: string, id: string): CheckDecl => {
  const p = parseCheckLine(source)!;
  return {
    id,
    kind: p.kind,
    args: p.args,
    title: p.title,
    points: 1,
    hint: null,
    transient: false,
    source,
    position: { line: 1, column: 1 },
  };
};

/** A remote machine: no outside world of its own. */
const remote: Target = {
  spec: { kind: 'ssh', ssh: { form: 'alias', alias: 'alice' } },
  label: 'ssh:alice',
  argv: [],
  jobsDir: '/tmp/x',
  hasOutside: false,
  fresh: false,
  lab: null,
};

const checks = [
  decl('http http://172.16.0.2:5000/ html from=outside', 'published'),
  decl('ping 203.0.113.1 from=outside', 'elsewhere'),
  decl('http http://172.18.0.10:5000/ html', 'direct'),
];

t.test('without the grader, outside-world probes are skipped on a machine that has no outside world', async (t) => {
  const student = recordedShell(snapshotText('after-lesson-7'));
  const { results } = await evaluateWithSnapshot(checks, student, remote);
  t.strictSame(
    results.map((r) => r.status),
    ['skipped', 'skipped', 'passed'],
  );
});

t.test("the grader sends them itself, to the student's address and nowhere else", async (t) => {
  const student = recordedShell(snapshotText('after-lesson-7'));
  const grader = recordedShell('', (line) => !line.includes('172.16.0.2'));
  const { results } = await evaluateWithSnapshot(checks, student, remote, {
    grader: { shell: grader, address: '172.16.0.2' },
  });
  t.strictSame(grader.lines.length, 1, 'one probe from the grader');
  t.match(grader.lines[0], /^curl .*'?http:\/\/172\.16\.0\.2:5000\/'?/, 'sent as is, not inside a namespace');
  t.notMatch(student.lines.join('\n'), /172\.16\.0\.2:5000/, "the student's machine was not asked");
  t.equal(results[0]!.status, 'failed', "the grader's answer stands (here: no connection)");
  t.equal(results[1]!.status, 'skipped');
  t.match(results[1]!.message, /only to the student's own address 172\.16\.0\.2, not to 203\.0\.113\.1/);
  t.equal(results[2]!.status, 'passed', 'probes from the host still run on the student machine');
});
