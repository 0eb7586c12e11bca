// Doing things twice, or again after a half-finished attempt, does the sensible thing with a clear
// message and the right exit code. (Running a finished lesson again and destroying a lab that never
// existed are in labLifecycle.test.ts and cliErrors.test.ts.)
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checksOf, parseReport, stepsOf } from '../helpers/report.js';
import { CLI, cliEnv, pidNamespaceOf, processesOfLab, processesWith, sandbox, type CliResult } from './harness.js';

const initPidOf = (stateDir: string, lab: string): number =>
  (JSON.parse(readFileSync(join(stateDir, 'labs', `${lab}.json`), 'utf8')) as { initPid: number }).initPid;

/** Runs a command inside the lab as its root, as a learner in `lab shell` would. */
const inLab = (stateDir: string, lab: string, line: string): string =>
  execFileSync(
    'nsenter',
    ['-t', String(initPidOf(stateDir, lab)), '--net', '--mount', '--pid', '--', 'bash', '-c', line],
    { encoding: 'utf8' },
  );

const noTrace = (t: Tap.Test, r: CliResult): void => {
  t.notMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
};

t.test('destroying a lab twice: the second time there is nothing to do, and both succeed', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['lab', 'create', 'twice'])).code, 0);
  const first = await box.run(['lab', 'destroy', 'twice']);
  t.equal(first.code, 0);
  t.match(first.stdout, 'Destroyed lab "twice".');
  const second = await box.run(['lab', 'destroy', 'twice']);
  t.equal(second.code, 0);
  t.match(second.stdout, 'There is no lab "twice"; nothing to do.');
  noTrace(t, second);
});

t.test('lab create of a lab that exists exits 2, says how to proceed, and leaves the lab alone', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['lab', 'create', 'taken'])).code, 0);
  const pid = initPidOf(box.stateDir, 'taken');
  const again = await box.run(['lab', 'create', 'taken']);
  t.equal(again.code, 2);
  t.match(again.stderr, `tsnet-learn: Lab "taken" already exists (pid ${pid}).`);
  t.match(again.stderr, 'Use it, or remove it first: tsnet-learn lab destroy taken');
  noTrace(t, again);
  t.equal(initPidOf(box.stateDir, 'taken'), pid, 'the record still names the same lab');
  t.ok(pidNamespaceOf(pid), 'and that lab still runs');
});

t.test('two lab creates at once make one lab: the other waits, then says it exists; no lab is lost', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const hostPidns = pidNamespaceOf(process.pid);
  const results = await Promise.all([
    box.run(['lab', 'create', 'race']),
    box.run(['lab', 'create', 'race']),
    box.run(['lab', 'create', 'race']),
  ]);
  t.same(results.map((r) => r.code).sort(), [0, 2, 2], 'one created it, two were told it exists');
  for (const r of results.filter((r) => r.code === 2)) t.match(r.stderr, /Lab "race" already exists/);
  const labs = new Set(
    processesWith(box.stateDir)
      .map((p) => pidNamespaceOf(p))
      .filter((ns) => ns !== null && ns !== hostPidns),
  );
  t.equal(labs.size, 1, 'exactly one lab runs: no second lab lives on without a record');
  t.same(readdirSync(join(box.stateDir, 'labs')), ['race.json'], 'one record');
  t.same(readdirSync(box.stateDir).sort(), ['labs'], 'no lock left behind');
});

t.test('check on a lab that does not exist exits 2 and creates nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['check', '1', '--target', 'lab:ghost']);
  t.equal(r.code, 2);
  t.match(r.stderr, 'tsnet-learn: No lab named "ghost".');
  t.match(r.stderr, 'Create it with: tsnet-learn lab create ghost');
  noTrace(t, r);
  t.same(readdirSync(box.stateDir), [], 'no lab was made');
});

t.test('lab shell on a lab that does not exist creates it, says so, and the lab stays for later', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const child = spawn(process.execPath, [CLI, 'lab', 'shell', 'fresh'], {
    env: cliEnv(box.stateDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  // The learner types one command and leaves.
  child.stdin.end('ip netns add typed-by-hand\nexit 0\n');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 0, stderr);
  t.match(stderr, 'Created lab "fresh".');
  t.match(stderr, 'Inside lab "fresh"');
  t.match(
    inLab(box.stateDir, 'fresh', 'ip netns list'),
    /typed-by-hand/,
    'what was typed happened inside the lab, and the lab is still there',
  );
  t.notMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), /typed-by-hand/, 'not on the host');
  t.equal(stdout, '');
});

t.test('a lab whose processes were killed: check says there is no such lab, run makes a new one', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['lab', 'create', 'killed'])).code, 0);
  const pid = initPidOf(box.stateDir, 'killed');
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 200 && pidNamespaceOf(pid); i++) await new Promise((r) => setTimeout(r, 10));
  const check = await box.run(['check', '1', '--target', 'lab:killed']);
  t.equal(check.code, 2);
  t.match(check.stderr, 'No lab named "killed"');
  const run = await box.run(['run', '1', '--target', 'lab:killed']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, 'in lab:killed (new lab)');
  t.not(initPidOf(box.stateDir, 'killed'), pid, 'a new lab took the name');
  noTrace(t, run);
});

t.test(
  'run after a failed step: once the learner fixes it by hand, the run carries on without redoing what is done',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const lesson = 'test/fixtures/lessons/fails-first/lesson.md';
    const first = await box.run(['run', lesson, '--target', 'lab:retry']);
    t.equal(first.code, 1, 'the failed step fails the run');
    t.match(
      first.stdout,
      /fails-first failed in lab:retry at fails-first step 2 "Move ceth0 into netns0": `ip link set ceth0 netns netns0` exited with 1/,
    );
    t.notMatch(first.stdout, /This lab was not new/, 'a new lab has nothing left from before');
    inLab(box.stateDir, 'retry', 'ip link add ceth0 type veth peer name veth0');
    const second = await box.run(['run', lesson, '--target', 'lab:retry', '--format', 'json']);
    t.equal(second.code, 0, second.stderr);
    const report = parseReport(second);
    t.same(
      stepsOf(report).map((s) => [s.index, s.status]),
      [
        [1, 'satisfied'],
        [2, 'passed'],
      ],
      '`ip netns add netns0` is not run again (it would fail: the namespace exists)',
    );
  },
);

t.test(
  'run after a step was left half done: exit 1, the reason, and how to start over; --from-scratch then passes',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    t.equal((await box.run(['run', '5', '--target', 'lab:half'])).code, 0);
    // Lesson 6 as an interrupted learner left it: steps 1 and 2 done, step 3 done for netns0 only.
    inLab(
      box.stateDir,
      'half',
      'ip addr add 172.18.0.1/16 dev br0 && echo 1 > /proc/sys/net/ipv4/ip_forward && nsenter --net=/run/netns/netns0 ip route add default via 172.18.0.1',
    );
    const r = await box.run(['run', '6', '--target', 'lab:half']);
    t.equal(r.code, 1);
    t.match(
      r.stdout,
      /1\. Give the bridge an address[\s\S]*already done: its checks hold, not run again/,
      'done steps are not run again',
    );
    t.match(
      r.stdout,
      /step 3 "Give each namespace a default route": `nsenter --net=\/run\/netns\/netns0 ip route add default via 172\.18\.0\.1` exited with 2: RTNETLINK answers: File exists/,
    );
    t.match(
      r.stdout,
      'This lab was not new: part of that step may have been done before (an interrupted run, or by hand). To start over in a new lab: tsnet-learn run lesson-6 --target lab:half --from-scratch',
    );
    noTrace(t, r);
    const over = await box.run(['run', '6', '--target', 'lab:half', '--from-scratch', '--format', 'json']);
    t.equal(over.code, 0, over.stderr);
    t.equal(parseReport(over).passed, true);
  },
);

t.test('run again after Ctrl-C: the second run finishes the lesson, and nothing is applied twice', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const child = spawn(process.execPath, [CLI, 'run', '7', '--target', 'lab:again'], {
    env: cliEnv(box.stateDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  // Interrupt as soon as lesson 6 begins: lesson 5 is done, lesson 6 only just started.
  for (let i = 0; i < 1200 && !/\nlesson-6 /.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
  t.match(stdout, /\nlesson-6 /, 'the run got to lesson 6');
  child.kill('SIGINT');
  await new Promise((resolve) => child.on('exit', resolve));
  const r = await box.run(['run', '7', '--target', 'lab:again', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const report = parseReport(r);
  t.equal(report.passed, true);
  t.notOk(
    checksOf(report).some((c) => /copies/.test(c.message)),
    'no iptables rule was appended twice',
  );
});

t.test(
  "a run into a process's network holds it: a second run into that network, by another of its processes, exits 2 naming the first",
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    t.equal((await box.run(['lab', 'create', 'sandbox'])).code, 0);
    // Two processes of one network, as in a container: the lab's init, and another process beside it.
    const init = initPidOf(box.stateDir, 'sandbox');
    const net = (pid: number): string => readlinkSync(`/proc/${pid}/ns/net`);
    const other = processesOfLab(init)
      .map((p) => p.pid)
      .find((p) => p !== init && net(p) === net(init));
    t.ok(other, 'another process in the same network');
    const first = box.start(['run', '6', '--target', `pid:${init}`]);
    t.teardown(() => (first.kill('SIGCONT'), first.kill('SIGKILL')));
    await first.until((out) => /\n {2}1\. /.test(out));
    first.kill('SIGSTOP');
    const second = await box.run(['run', '3', '--target', `pid:${other}`]);
    t.equal(second.code, 2, second.stdout);
    t.match(
      second.stderr,
      new RegExp(
        `The network of process ${other} is being changed by \`tsnet-learn run lesson-6 --target pid:${init}\` \\(pid \\d+\\)`,
      ),
    );
    noTrace(t, second);
    first.kill('SIGCONT');
    const done = await first.exit;
    t.equal(done.code, 0, first.stderr());
    t.notMatch(first.stdout(), /lesson-3/, 'nothing of the second run reached the network');
  },
);

t.test(
  'a second run into a lab a run is still changing exits 2 at once, names the first, and changes nothing',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const first = box.start(['run', '6', '--target', 'lab:busy']);
    // Stopped, not killed, once it has begun: it holds the lab for as long as the test needs, however fast
    // the machine (left running, it may finish before the others are even started).
    t.teardown(() => (first.kill('SIGCONT'), first.kill('SIGKILL')));
    await first.until((out) => /\n {2}1\. /.test(out));
    first.kill('SIGSTOP');
    const second = await box.run(['run', '3', '--target', 'lab:busy']);
    t.equal(second.code, 2, second.stdout);
    t.match(second.stderr, /Lab "busy" is in use by `tsnet-learn run lesson-6` \(pid \d+\)/);
    t.match(second.stderr, 'use another lab: --target lab:OTHER');
    noTrace(t, second);
    const learn = await box.run(['learn', '1', '--lab', 'busy']);
    t.equal(learn.code, 2, 'learn is refused too');
    t.match(learn.stderr, 'is in use by `tsnet-learn run lesson-6`');
    // Grading only reads: it may look meanwhile.
    t.not((await box.run(['check', '5', '--target', 'lab:busy', '--format', 'json'])).code, 2, 'check is not refused');
    first.kill('SIGCONT');
    const done = await first.exit;
    t.equal(done.code, 0, first.stderr());
    t.notMatch(first.stdout(), /lesson-3/, 'nothing of the second run reached the lab');
    const after = await box.run(['run', '3', '--target', 'lab:busy', '--format', 'json']);
    t.equal(after.code, 0, 'free again once the first has finished');
  },
);
