// A lab is private: lessons change only the lab, a second run works, and destroy leaves no trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import {
  eventually,
  hostNetwork,
  pidNamespaceOf,
  processesInPidNamespace,
  processesOfLab,
  sandbox,
  stillRunning,
} from './harness.js';

t.test('running lesson 7 in a lab and destroying it leaves the host exactly as it was', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const r = await box.run(['run', '7', '--target', 'lab:trace', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const record = JSON.parse(readFileSync(join(box.stateDir, 'labs', 'trace.json'), 'utf8')) as { initPid: number };
  const pidns = pidNamespaceOf(record.initPid);
  t.ok(pidns, 'the lab has its own pid namespace');
  t.ok(processesInPidNamespace(pidns!).length >= 2, 'the lab holds its init and the web server');
  t.same(hostNetwork(), before, 'while the lab runs, the host network is untouched');
  const d = await box.run(['lab', 'destroy', 'trace']);
  t.equal(d.code, 0);
  t.same(processesInPidNamespace(pidns!), [], 'no process of the lab survives');
  t.same(hostNetwork(), before, 'after destroy, the host network is as before');
  const list = await box.run(['lab', 'list']);
  t.match(list.stdout, /No labs/);
});

t.test('running the same lesson twice in one lab works and duplicates nothing', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const first = await box.run(['run', '7', '--target', 'lab:twice', '--format', 'json']);
  t.equal(first.code, 0, first.stderr);
  const second = await box.run(['run', '7', '--target', 'lab:twice', '--format', 'json']);
  t.equal(second.code, 0, second.stderr);
  const report = parseReport(second);
  t.same(
    report.lessons.map((l) => [l.id, l.status]),
    [
      ['lesson-5', 'satisfied'],
      ['lesson-6', 'satisfied'],
      ['lesson-7', 'satisfied'],
    ],
    'what is already in place is not applied again',
  );
  t.notOk(
    checksOf(report).some((c) => /copies/.test(c.message)),
    'no iptables rule was appended twice',
  );
  const pretty = await box.run(['run', '7', '--target', 'lab:twice']);
  t.equal(pretty.code, 0);
  t.match(pretty.stdout, /lesson-7 is already complete/);
  const again = await box.run(['run', '7', '--target', 'lab:twice', '--from-scratch', '--format', 'json']);
  t.equal(again.code, 0, again.stderr);
  t.same(
    parseReport(again).lessons.map((l) => l.status),
    ['passed', 'passed', 'passed'],
    '--from-scratch applies everything again in a new lab',
  );
});

t.test('run after a half-finished lesson continues where the learner stopped', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  t.equal((await box.run(['run', '5', '--target', 'lab:half'])).code, 0);
  const r = await box.run(['run', '6', '--target', 'lab:half', '--format', 'json']);
  t.equal(r.code, 0, r.stderr);
  const report = parseReport(r);
  t.same(
    report.lessons.map((l) => [l.id, l.status]),
    [
      ['lesson-5', 'satisfied'],
      ['lesson-6', 'passed'],
    ],
  );
});

t.test('a check that contradicts its commands fails the run with exit 1, naming the check', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const r = await box.run(['run', 'test/fixtures/lessons/wrong-claim/lesson.md', '--target', 'lab:wrong']);
  t.equal(r.code, 1);
  t.match(r.stdout, /✖ namespace netns9 exists/);
  t.match(r.stdout, /hint: this lesson claims a namespace/);
  t.match(r.stdout, /wrong-claim failed in lab:wrong at wrong-claim step 1/);
});

t.test('Ctrl-C during test destroys every lab of the run', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const cli = box.start(['test', '--jobs', '2']);
  // Wait until labs exist, then interrupt as a terminal would.
  await eventually(() => Object.keys(box.records()).length > 0, 10_000);
  const labs = Object.values(box.records()).flatMap((r) => processesOfLab(r.initPid));
  t.ok(labs.length > 0, 'the run had made labs');
  cli.kill('SIGINT');
  t.equal((await cli.exit).code, 130, cli.stderr());
  t.match(cli.stderr(), /every lab of this run was destroyed/);
  t.same(box.records(), {}, 'no lab record is left');
  t.same(stillRunning(labs), [], 'no process of the labs survives');
  // Labs still being built at the interrupt have no record: look for any process that carries this run's state dir.
  await eventually(() => box.processes().length === 0);
  t.same(box.processes(), [], 'no process of the run survives, not even a lab that was still being built');
});
