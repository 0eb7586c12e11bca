// Every lesson, run by the real CLI in a fresh lab, as root and as an unprivileged user.
import t from 'tap';
import { checksOf, parseReport, stepsOf } from '../helpers/report.js';
import { isRoot, NOBODY, sandbox } from './harness.js';

/** What a step of the tutorial must be seen to change (the diff of the snapshots around it). */
const CHANGES: Record<string, string[]> = {
  'lesson-5:3': ['+ link br0 (bridge): up (the host)'],
  'lesson-6:2': ['~ sysctl net.ipv4.ip_forward: 0 → 1 (the host)'],
  'lesson-6:4': ['+ iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE (the host)'],
  'lesson-7:1': ['+ listening tcp 172.18.0.10:5000 (netns netns0)'],
};

const LESSONS = [1, 2, 3, 4, 5, 6, 7];

for (const [who, uid] of [
  ['root', undefined],
  ['an unprivileged user', NOBODY],
] as const) {
  t.test(`every lesson passes in a fresh lab as ${who}`, async (t) => {
    if (uid === undefined && !isRoot())
      t.fail('the root half of this test must run as root (the README test command does)');
    const box = sandbox(uid);
    t.teardown(() => box.cleanup());
    // Lessons run side by side, each in its own lab: labs must not interfere.
    await Promise.all(
      LESSONS.map(async (n) => {
        const lab = `it-${n}`;
        const r = await box.run(['run', String(n), '--target', `lab:${lab}`, '--format', 'json'], { asUser: uid });
        const report = parseReport(r);
        const notPassed = checksOf(report)
          .filter((c) => c.status !== 'passed')
          .map((c) => `${c.id}: ${c.message}`);
        t.equal(r.code, 0, `lesson-${n} exits 0 (${r.stderr.trim() || notPassed.join('; ')})`);
        t.equal(report.passed, true, `lesson-${n} reports passed`);
        t.same(notPassed, [], `every check of lesson-${n} and its prerequisites passed`);
        t.equal(report.target, `lab:${lab}`);
        t.equal(report.summary.earned, report.summary.possible, `lesson-${n}: every point earned`);
        for (const step of stepsOf(report)) {
          const expected = CHANGES[`${step.lesson}:${step.index}`];
          if (expected && step.status === 'passed')
            t.same(
              step.changes?.filter((c) => expected.includes(c)),
              expected,
              `${step.lesson} step ${step.index} shows what it changed`,
            );
          if (step.status === 'passed' && step.changes?.some((c) => c.includes('fe80')))
            t.fail('IPv6 link-local noise in what changed');
        }
        // The lab a lesson built is what grading that lesson expects: check passes on it.
        const graded = await box.run(['check', String(n), '--target', `lab:${lab}`, '--format', 'json'], {
          asUser: uid,
        });
        const failing = checksOf(parseReport(graded)).filter((c) => c.status === 'failed');
        t.equal(
          graded.code,
          0,
          `check lesson-${n} passes on the lab run built ${graded.stderr}${failing.map((c) => `${c.id}: ${c.message}`).join('; ')}`,
        );
        const destroyed = await box.run(['lab', 'destroy', lab], { asUser: uid });
        t.match(destroyed.stdout, /Destroyed lab/);
      }),
    );
  });
}
