// Grading a class over ssh: students' machines (sandboxes where the tutorial was typed by hand, each with
// its own sshd and state), one roster, one `grade`, every student's row checked in every format. The
// real ssh and sshd run; traffic stays on loopback and inside the machines' own networks.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { ReportDocument } from '../../src/report/reportDocument.js';
import { validReport } from '../helpers/report.js';
import { sandbox } from './harness.js';
import { classroom } from './studentMachines.js';

interface Row {
  student: string;
  target: string;
  status: string;
  earned: number;
  possible: number;
  percent: number;
  problem: { kind: string; message: string; fix: string | null } | null;
  /** The student's report, as `check --format json` prints it. */
  report: ReportDocument | null;
}
interface ClassJson {
  lesson: string;
  students: number;
  passed: number;
  failed: number;
  ungradable: number;
  meanPercent: number;
  results: Row[];
}

for (const tool of ['ssh', 'sshd', 'ssh-keygen', 'sudo', 'chromium'])
  if (spawnSync('bash', ['-c', `PATH=$PATH:/usr/sbin command -v ${tool}`]).status !== 0)
    throw new Error(`${tool} is missing: ./scripts/setup installs what these tests need`);

/** What must not change: root's own ssh files, and /tmp (where the grading writes for a while). */
const dotSsh = (): string =>
  existsSync('/root/.ssh')
    ? readdirSync('/root/.ssh')
        .map((f) => `${f} ${statSync(join('/root/.ssh', f)).mtimeMs}`)
        .join('\n')
    : 'none';
const gradingLeftovers = (): string[] => readdirSync('/tmp').filter((f) => f.startsWith('tsnet-learn.'));
const sshBefore = dotSsh();
const leftoversBefore = gradingLeftovers();

const room = classroom();
const box = sandbox();
t.teardown(() => {
  box.cleanup();
  room.cleanup();
});

/** Two users in a machine, as its own /etc says: `student` may sudo without a password, `pupil` may not. */
function addUsers(pid: number): void {
  const etc = join(room.dir, `etc-${pid}`);
  const taken = readFileSync('/etc/passwd', 'utf8');
  const [uid1, uid2] = [61042, 61043];
  if (taken.includes(`:${uid1}:`) || taken.includes(`:${uid2}:`)) throw new Error('the test uids are taken');
  execFileSync('mkdir', ['-p', etc]);
  writeFileSync(
    join(etc, 'passwd'),
    `${taken}student:x:${uid1}:${uid1}::/run/home/student:/bin/bash\npupil:x:${uid2}:${uid2}::/run/home/pupil:/bin/bash\n`,
  );
  writeFileSync(join(etc, 'group'), `${readFileSync('/etc/group', 'utf8')}student:x:${uid1}:\npupil:x:${uid2}:\n`);
  writeFileSync(
    join(etc, 'shadow'),
    `${readFileSync('/etc/shadow', 'utf8')}student:*:19000:0:99999:7:::\npupil:*:19000:0:99999:7:::\n`,
  );
  writeFileSync(
    join(etc, 'sudoers'),
    'Defaults !syslog\nroot ALL=(ALL:ALL) ALL\nstudent ALL=(ALL) NOPASSWD: ALL\npupil ALL=(ALL) ALL\n',
    { mode: 0o440 },
  );
  room.inMachine(
    pid,
    `for f in passwd group shadow sudoers; do mount --bind ${etc}/$f /etc/$f; done
mkdir -p /run/home/student /run/home/pupil; chown ${uid1} /run/home/student; chown ${uid2} /run/home/pupil`,
  );
}

/** A machine where `ip` never returns (a hung machine): only the per-student timeout ends its grading. */
const hang = join(room.dir, 'hang');
writeFileSync(hang, '#!/bin/sh\nexec sleep 614\n', { mode: 0o755 });
const IP_HANGS = `mount --bind ${hang} /usr/bin/ip`;

/** A machine where curl is not installed: /usr/bin is every program but curl. */
const WITHOUT_CURL = `mkdir /run/realbin /run/bin; mount --bind /usr/bin /run/realbin
for f in /run/realbin/*; do [ "\${f##*/}" = curl ] || ln -s "$f" "/run/bin/\${f##*/}"; done; mount --bind /run/bin /usr/bin`;

// Built side by side; each runs the tutorial's lessons 5 to 7 typed by plain bash, then its mistake.
const [alice, bob, carol, dave, erin, frank, judy] = await Promise.all([
  room.machine(),
  room.machine('iptables -t nat -D POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE'),
  room.machine('ip link set veth0 down'),
  room.machine(
    'iptables -t nat -R PREROUTING 1 -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5001',
  ),
  room.machine(IP_HANGS),
  room.machine(),
  room.machine(WITHOUT_CURL),
]);
room.listen(alice);
room.viaTcp('alice', alice);
room.viaSshd('bob', bob);
room.viaSshd('carol', carol);
room.viaSshd('dave', dave);
room.viaTcp('erin', erin); // nothing listens there: refused by the machine itself
addUsers(frank);
room.viaSshd('frank', frank);
room.viaSshd('heidi', carol, 'sshd_nokey');
room.viaSshd('ivan', erin); // logs in, then the machine's `ip` hangs
room.viaSshd('judy', judy);
room.viaSshd('kim', bob, 'sshd_otherkey');

const ROSTER = join(room.dir, 'class.csv');
writeFileSync(
  ROSTER,
  `student,target,sudo
alice,ssh:alice,
bob,ssh:bob,
carol,ssh:carol,
dave,ssh:dave,
erin,ssh:erin,
frank,ssh://student@frank,yes
grace,ssh://pupil@frank,yes
heidi,ssh:heidi,
ivan,ssh:ivan,
judy,ssh:judy,
kim,ssh:kim,
`,
);
const out = (name: string): string => join(room.dir, name);
const TIMEOUT_S = 20;
const graded = await box.run([
  'grade',
  '7',
  '--roster',
  ROSTER,
  '--ssh-config',
  room.sshConfig,
  '--timeout',
  String(TIMEOUT_S),
  '--jobs',
  '4',
  '-o',
  out('class.json'),
  '-o',
  out('gradebook.csv'),
  '-o',
  out('class.xml'),
  '-o',
  out('class.html'),
]);
const json = JSON.parse(readFileSync(out('class.json'), 'utf8')) as ClassJson;
const byName = (name: string): Row => json.results.find((r) => r.student === name)!;
// Each student's report is held to the published schema, as every report the tests read.
for (const r of json.results) if (r.report) validReport(r.report);

/** What each student's row must say: status, and the root cause or the reason it was not graded. */
const EXPECTED: [string, string, RegExp][] = [
  ['alice', 'passed', /^$/],
  ['bob', 'failed', /^lesson-6:4\.1$/],
  ['carol', 'failed', /^lesson-5:4\.1$/],
  ['dave', 'failed', /^lesson-7:2\.1$/],
  ['erin', 'unreachable', /cannot reach 172\.16\.0\.2/],
  ['frank', 'passed', /^$/],
  ['grace', 'sudo-password', /sudo wants a password/],
  ['heidi', 'key-refused', /Permission denied \(publickey/],
  ['ivan', 'timeout', new RegExp(`within ${TIMEOUT_S} s`)],
  ['judy', 'tool-missing', /missing on the student's machine: curl \(curl\)/],
  ['kim', 'host-key', /has CHANGED/],
];

t.test('one grade: exit 1, a row per student in roster order, each with the right status and cause', async (t) => {
  t.equal(graded.code, 1, graded.stderr);
  t.strictSame(
    json.results.map((r) => r.student),
    EXPECTED.map(([s]) => s),
  );
  for (const [student, status, why] of EXPECTED) {
    const r = byName(student);
    t.equal(r.status, status, `${student}: ${r.problem?.message ?? r.report?.rootCause?.message ?? ''}`);
    const said = r.problem?.message ?? r.report?.rootCause?.check ?? '';
    t.match(said, why, `${student}: ${said}`);
  }
  t.match(
    { students: json.students, passed: json.passed, failed: json.failed, ungradable: json.ungradable },
    { students: 11, passed: 2, failed: 3, ungradable: 6 },
  );
  // alice and frank built everything: nothing failed, but over ssh the outside world's checks cannot be
  // judged without --probe-from-grader, and a check that was not judged is not earned.
  for (const name of ['alice', 'frank']) {
    const summary = byName(name).report!.summary;
    t.equal(summary.failed, 0, `${name}: no check failed`);
    t.ok(summary.skipped > 0, `${name}: ${summary.skipped} skipped`);
  }
});

t.test('the graded students are judged as a local check judges them: the same points, the same fixes', async (t) => {
  const possible = byName('alice').possible;
  t.ok(possible >= 20, `${possible} points to earn`);
  for (const name of ['alice', 'frank'])
    t.equal(byName(name).earned, possible - byName(name).report!.summary.skipped, `${name}: all but the skipped`);
  for (const name of ['bob', 'carol', 'dave']) {
    const r = byName(name);
    t.ok(r.earned < possible && r.earned > 0, `${name}: partial credit ${r.earned}/${possible}`);
  }
  t.match(byName('bob').report?.rootCause?.fix ?? '', /MASQUERADE/);
  t.match(byName('carol').report?.rootCause?.fix ?? '', /ip link set veth0/);
  t.match(byName('dave').report?.rootCause?.fix ?? '', /PREROUTING/);
  t.equal(byName('alice').report?.target, 'ssh:alice');
  t.equal(byName('frank').target, 'ssh://student@frank', 'logged in as an ordinary user, read as root with sudo');
  for (const name of ['erin', 'grace', 'heidi', 'ivan', 'judy', 'kim']) {
    const r = byName(name);
    t.match(r, { earned: 0, possible, percent: 0, report: null }, `${name} scores 0 of ${possible}`);
    t.ok(r.problem?.fix, `${name} is told what to do`);
  }
});

t.test('pretty (stdout): a table row per student with its points and status', async (t) => {
  for (const r of json.results)
    t.match(graded.stdout, new RegExp(`^${r.student}\\s+${r.earned}/${r.possible}\\s+${r.status}\\b`, 'm'), r.student);
  t.match(graded.stdout, /2 passed, 3 failed, 6 could not be graded; class mean/);
  t.match(graded.stderr, /^\[11\/11\] /m, 'piped: a plain progress line per student');
});

t.test('csv: the gradebook has the same numbers and statuses as the JSON', async (t) => {
  const r = spawnSync('python3', ['-c', 'import csv, sys, json; print(json.dumps(list(csv.reader(sys.stdin))))'], {
    input: readFileSync(out('gradebook.csv'), 'utf8'),
    encoding: 'utf8',
  });
  const [head, ...rows] = JSON.parse(r.stdout) as string[][];
  t.strictSame(head, ['student', 'earned', 'possible', 'percent', 'status', 'root cause', 'fix']);
  t.strictSame(
    rows.map((row) => row.slice(0, 5)),
    json.results.map((s) => [s.student, String(s.earned), String(s.possible), String(s.percent), s.status]),
  );
  for (const row of rows) {
    const s = byName(row[0]!);
    t.match(
      row[5],
      s.problem?.message ?? (s.report?.rootCause ? /\S/ : s.report?.summary.skipped ? /could not be judged/ : /^$/),
      `${s.student}: the cause`,
    );
    if (s.status !== 'passed') t.ok(row[6], `${s.student}: a fix`);
  }
});

t.test('junit: a testsuite per student; an ungradable one is a single error of its kind', async (t) => {
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import sys, json, xml.dom.minidom as m
d = m.parseString(sys.stdin.read())
out = []
for s in d.getElementsByTagName("testsuite"):
    errs = [e.getAttribute("type") for e in s.getElementsByTagName("error")]
    out.append([s.getAttribute("name"), int(s.getAttribute("tests")), int(s.getAttribute("failures")), errs])
print(json.dumps(out))`,
    ],
    { input: readFileSync(out('class.xml'), 'utf8'), encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  const suites = JSON.parse(r.stdout) as [string, number, number, string[]][];
  t.strictSame(
    suites.map((s) => s[0]),
    EXPECTED.map(([s]) => s),
  );
  for (const [name, tests, failures, errors] of suites) {
    const s = byName(name);
    if (s.report) {
      t.equal(tests, s.report.lessons.flatMap((l) => l.checks).length, `${name}: a testcase per check`);
      t.equal(failures > 0, s.status === 'failed', `${name}: failures iff failed`);
    } else t.strictSame([tests, errors], [1, [s.status]], `${name}: one error, ${s.status}`);
  }
});

/** Runs chromium headless with no network at all (a network namespace of its own, only loopback). */
function chromium(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    'unshare',
    [
      '--net',
      'chromium',
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--user-data-dir=${out('chromium')}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
}

t.test('html: a real browser renders the page offline, and its numbers are the JSON numbers', async (t) => {
  const page = readFileSync(out('class.html'), 'utf8');
  t.notMatch(page, /<script|<link|<img|@import|url\(|src=/i, 'nothing to fetch');
  const dom = chromium(['--dump-dom', `file://${out('class.html')}`]);
  t.equal(dom.status, 0, dom.stderr);
  const rows = [
    ...dom.stdout.matchAll(
      /<tr data-student="([^"]*)" data-earned="(\d+)" data-possible="(\d+)" data-percent="([\d.]+)" data-status="([^"]+)">/g,
    ),
  ].map((m) => [m[1], Number(m[2]), Number(m[3]), Number(m[4]), m[5]]);
  t.strictSame(
    rows,
    json.results.map((s) => [s.student, s.earned, s.possible, s.percent, s.status]),
  );
  const stat = (key: string): string => new RegExp(`<dd data-key="${key}">([^<]*)</dd>`).exec(dom.stdout)?.[1] ?? '';
  t.strictSame(
    ['students', 'passed', 'failed', 'ungradable', 'meanPercent'].map(stat),
    [json.students, json.passed, json.failed, json.ungradable, `${json.meanPercent}%`].map(String),
  );
  for (const s of json.results.filter((r) => r.report))
    for (const c of s.report!.lessons.flatMap((l) => l.checks))
      t.ok(dom.stdout.includes(`data-check="${c.id}" data-status="${c.status}"`), `${s.student} ${c.id}`);
  t.match(dom.stdout, /Could not be graded:<\/strong> no complete answer within/);
  // Drawn, not blank: the screenshot of the report holds far more than that of an empty page.
  writeFileSync(out('empty.html'), '<!doctype html><html><body></body></html>');
  const shot = (file: string, png: string): number => {
    const r = chromium(['--window-size=1200,1600', `--screenshot=${out(png)}`, `file://${out(file)}`]);
    t.equal(r.status, 0, r.stderr);
    return statSync(out(png)).size;
  };
  const [report, empty] = [shot('class.html', 'class.png'), shot('empty.html', 'empty.png')];
  t.ok(report > empty * 5, `the page drew something: ${report} bytes against ${empty} for an empty page`);
});

t.test('nothing is left behind: no ssh, proxy or probe files; ~/.ssh untouched', async (t) => {
  t.strictSame(
    spawnSync('pgrep', ['-af', `${room.sshConfig}|sleep 614`], { encoding: 'utf8' }).stdout.trim(),
    '',
    'no ssh, no ProxyCommand, and not the hung command on the timed-out machine',
  );
  t.strictSame(gradingLeftovers(), leftoversBefore, 'the private directories on the machines are gone');
  t.equal(dotSsh(), sshBefore);
});

t.test('check over ssh says what check on the machine itself says', async (t) => {
  const viaSsh = await box.run([
    'check',
    '7',
    '--target',
    'ssh:carol',
    '--ssh-config',
    room.sshConfig,
    '--format',
    'json',
  ]);
  const local = await box.run(['check', '7', '--target', `pid:${carol}`, '--format', 'json']);
  t.equal(viaSsh.code, 1, viaSsh.stderr);
  t.equal(local.code, 1, local.stderr);
  // Only the target's name and the measured round-trip times differ.
  const same = (text: string, label: string): unknown =>
    JSON.parse(
      text
        .replaceAll(label, 'TARGET')
        .replace(/(avg [\d.]+|after \d+) ms/g, 'N ms')
        .replace(/"durationMs": \d+/g, '"durationMs": 0'),
    );
  validReport(JSON.parse(viaSsh.stdout));
  t.strictSame(same(viaSsh.stdout, 'ssh:carol'), same(local.stdout, `pid:${carol}`));
  const pretty = await box.run(['check', '7', '--target', 'ssh:carol', '--ssh-config', room.sshConfig]);
  t.match(pretty.stdout, /First broken link \(lesson-5, step 4\)/);
});

t.test('a machine that cannot be graded: check exits 2 and says why and what to do', async (t) => {
  const r = await box.run(['check', '7', '--target', 'ssh:heidi', '--ssh-config', room.sshConfig]);
  t.equal(r.code, 2);
  t.match(r.stderr, /Cannot grade ssh:heidi: the login was refused/);
  t.match(r.stderr, /ssh-copy-id/);
  const first = await box.run([
    'check',
    '7',
    '--target',
    'ssh:kim',
    '--ssh-config',
    room.sshConfig,
    '--ssh-option',
    'StrictHostKeyChecking=accept-new',
  ]);
  t.equal(first.code, 2, 'accept-new takes a new key, never a changed one');
  t.match(first.stderr, /has CHANGED/);
  const notRoot = await box.run(['check', '7', '--target', 'ssh://student@frank', '--ssh-config', room.sshConfig]);
  t.equal(notRoot.code, 2);
  t.match(notRoot.stderr, /logged in as student, not root/);
  t.match(notRoot.stderr, /--sudo/);
});

t.test('a roster may name labs too; one that is not there is a row that says so', async (t) => {
  const roster = join(room.dir, 'mixed.csv');
  writeFileSync(roster, 'student,target\nalice,ssh:alice\nghost,lab:no-such-lab\n');
  const r = await box.run(['grade', '7', '--roster', roster, '--ssh-config', room.sshConfig, '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as ClassJson;
  t.equal(report.results[0]!.status, 'passed');
  t.match(report.results[1], { student: 'ghost', target: 'lab:no-such-lab', status: 'unreachable' });
  t.match(report.results[1]!.problem?.message, /No lab named "no-such-lab"/);
});

t.test('the outside-world probe sent by the grader itself cannot be faked by the student', async (t) => {
  // mallory removed the rule that publishes the port, and replaced her curl by one that always succeeds.
  const fake = join(room.dir, 'fake-curl');
  writeFileSync(fake, "#!/bin/sh\nprintf '<!DOCTYPE html><html><title>works</title></html>\\n200'\n", { mode: 0o755 });
  const mallory = await room.machine(
    `iptables -t nat -D PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000; mount --bind ${fake} /usr/bin/curl`,
  );
  room.viaSshd('mallory', mallory);
  const outsideCheck = (text: string): { status: string; message: string } =>
    (JSON.parse(text) as Row['report'] & object).lessons
      .flatMap((l) => l.checks)
      .find((c) => c.title === 'the outside world reaches the published port')!;
  const check = (pid: number, name: string, extra: string[]) =>
    box.run(['check', '7', '--target', `ssh:${name}`, '--ssh-config', room.sshConfig, '--format', 'json', ...extra], {
      // The grading machine sits in the machine's outside world, as a teacher's machine on the class network.
      wrap: ['nsenter', `--net=/proc/${pid}/root/run/world/outside`],
    });
  const trusting = await check(mallory, 'mallory', []);
  const ownCurl = (JSON.parse(trusting.stdout) as NonNullable<Row['report']>).lessons
    .flatMap((l) => l.checks)
    .find((c) => c.title === 'the host reaches the published port')!;
  t.equal(ownCurl.status, 'passed', "the student's own curl says the port answers");
  t.equal(outsideCheck(trusting.stdout).status, 'skipped', 'without the option, nobody outside asks');
  const proof = await check(mallory, 'mallory', ['--probe-from-grader']);
  t.equal(proof.code, 1, proof.stderr);
  const verdict = outsideCheck(proof.stdout);
  t.equal(verdict.status, 'failed', "the grader's own curl finds nothing published");
  t.match(verdict.message, /curl: \(7\)/);
  const honest = await check(alice, 'alice', ['--probe-from-grader']);
  // Nothing fails; check still exits 1 while any check could not be judged (none is earned unjudged).
  t.equal(JSON.parse(honest.stdout).summary.failed, 0, honest.stderr);
  t.equal(outsideCheck(honest.stdout).status, 'passed', "alice's published port answers the grader");
});

t.test('an Ansible inventory grades the same machines; a password in it is never shown', async (t) => {
  const inventory = join(room.dir, 'hosts.ini');
  writeFileSync(
    inventory,
    `[class]
alice
frank ansible_user=student ansible_become=yes ansible_password=Hunter2-secret
[class:vars]
ansible_ssh_pass=Other-secret
`,
  );
  const r = await box.run(['grade', '7', '--roster', inventory, '--ssh-config', room.sshConfig, '--format', 'csv']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^alice,\d+,\d+,[\d.]+,passed,"5 checks could not be judged: [^\n]*--probe-from-grader[^\n]*\r$/m);
  t.match(r.stdout, /^frank,\d+,\d+,[\d.]+,passed,"5 checks could not be judged: [^\n]*\r$/m);
  t.match(r.stderr, /ansible_password is ignored/);
  t.notMatch(r.stdout + r.stderr, /secret/);
});

t.test('a roster line that would run a command is refused: exit 2, nothing graded, nothing run', async (t) => {
  const pwned = join(room.dir, 'pwned');
  const roster = join(room.dir, 'evil.csv');
  writeFileSync(roster, `student,target\nalice,ssh:alice\nmallory,ssh://x;touch ${pwned}\neve,ssh:$(touch ${pwned})\n`);
  const r = await box.run(['grade', '7', '--roster', roster, '--ssh-config', room.sshConfig]);
  t.equal(r.code, 2);
  t.match(r.stderr, /evil\.csv:3: Invalid ssh target/);
  t.match(r.stderr, /evil\.csv:4: Invalid ssh target/);
  t.match(r.stderr, /nobody was graded/);
  t.equal(r.stdout, '');
  t.notOk(existsSync(pwned));
});

t.test('usage and roster errors exit 2 before anyone is graded', async (t) => {
  const empty = join(room.dir, 'empty.csv');
  writeFileSync(empty, 'student,target\n');
  for (const [args, said] of [
    [['--roster', empty], /no students in it/],
    [['--roster', join(room.dir, 'missing.csv')], /Cannot read the roster/],
    [['--roster', ROSTER, '--jobs', '0'], /--jobs wants a number above 0/],
    [['--roster', ROSTER, '--ssh-option', 'BatchMode=no'], /BatchMode cannot be changed/],
    [['--roster', ROSTER, '-o', out('x.pdf')], /Cannot tell the format of --output/],
    [['--roster', ROSTER, '--ssh-config', out('nope')], /no such file/],
  ] as [string[], RegExp][]) {
    const r = await box.run(['grade', '7', ...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, said);
    t.equal(r.stdout, '');
  }
  const noRoster = await box.run(['grade', '7']);
  t.equal(noRoster.code, 2);
  t.match(noRoster.stderr, /--roster/);
});
