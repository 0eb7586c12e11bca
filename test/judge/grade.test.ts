import { fileURLToPath } from 'node:url';
import t from 'tap';
import { grade, gradedChecks, substitute, type GradeReport } from '../../src/judge/grade.js';
import { resolveLesson } from '../../src/lesson/catalog.js';
import type { CheckDecl, Lesson } from '../../src/lesson/lesson.js';
import type { Target } from '../../src/target/target.js';
import { recordedLab, recordedShell, type Reach } from '../helpers/recordedShell.js';
import { snapshotText, type Captured } from '../helpers/snapshot.js';
import { pidTarget } from '../helpers/targets.js';
import { declOf, lessonOfSteps } from '../helpers/lessonOf.js';

const decl = (source: string, id: string, transient = false): CheckDecl => declOf(source, id, transient);

const lesson = (id: string, checks: CheckDecl[]): Lesson => lessonOfSteps(id, checks);

t.test('host_ip replaces the tutorial address in a check and its title', async (t) => {
  const d = decl('http http://172.16.0.2:5000/ html', 'x');
  const s = substitute(d, { host_ip: '192.0.2.7' });
  t.equal(s.source, 'http http://192.0.2.7:5000/ html');
  t.match(s.title, /192\.0\.2\.7/);
  t.equal((s.args as { host: string }).host, '192.0.2.7');
  t.equal(substitute(d, {}), d, 'nothing to substitute: the same check');
  const rule = substitute(
    decl('rule nat PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000', 'r'),
    { host_ip: '192.0.2.7' },
  );
  t.same((rule.args as { spec: string[] }).spec.slice(0, 2), ['-d', '192.0.2.7']);
  t.equal(
    substitute(decl('ping 172.16.0.20', 'p'), { host_ip: '192.0.2.7' }).source,
    'ping 172.16.0.20',
    'a longer address is left alone',
  );
});

t.test('grading leaves transient checks out and --only keeps the last lesson', async (t) => {
  const chain = [
    lesson('a', [decl('netns x', 'a1'), decl('ping 1.2.3.4 fails', 'a2', true)]),
    lesson('b', [decl('netns y', 'b1')]),
  ];
  t.same(
    gradedChecks(chain, false).map((g) => [g.lesson.id, g.decls.map((d) => d.decl.id)]),
    [
      ['a', ['a1']],
      ['b', ['b1']],
    ],
  );
  t.same(
    gradedChecks(chain, true).map((g) => g.lesson.id),
    ['b'],
  );
});

t.test('grading leaves out a claim a later lesson contradicts, and keeps the later claim', async (t) => {
  const chain = [
    lesson('publish', [
      decl('rule nat OUTPUT -d 10.9.0.2 -p tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000', 'p1'),
      decl('netns web', 'p2'),
    ]),
    lesson('unpublish', [
      decl(
        'rule nat OUTPUT -d 10.9.0.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.9.1.5:8000 absent',
        'u1',
      ),
    ]),
  ];
  t.same(
    gradedChecks(chain, false).map((g) => [g.lesson.id, g.decls.map((d) => d.decl.id)]),
    [
      ['publish', ['p2']],
      ['unpublish', ['u1']],
    ],
  );
});

// The judgement on captured labs of two courses, probes answered as they were in those labs.
const chainOf = async (arg: string): Promise<Lesson[]> =>
  (
    await resolveLesson(
      /^\d+$/.test(arg) ? arg : fileURLToPath(new URL(`../fixtures/lessons/${arg}/lesson.md`, import.meta.url)),
    )
  ).chain;
async function gradeCaptured(
  arg: string,
  captured: Captured,
  reach: Reach,
  options: { target?: Target; vars?: Record<string, string>; only?: boolean } = {},
): Promise<GradeReport> {
  return grade({
    chain: await chainOf(arg),
    only: options.only ?? false,
    vars: options.vars ?? {},
    target: options.target ?? recordedLab,
    shell: recordedShell(snapshotText(captured), reach),
  });
}
const checksOf = (r: GradeReport) => r.lessons.flatMap((l) => l.checks);
const everywhere: Reach = () => true;

t.test('another course built in full, on a host with two uplinks, passes with every point', async (t) => {
  const r = await gradeCaptured('web-bridge', 'web-bridge-two-uplinks', everywhere);
  t.match(r, { passed: true, rootCause: null, skipped: 0, skipReasons: [] });
  t.equal(r.earned, r.possible);
});

t.test("Docker's FORWARD policy names the lesson's bridge br-web in the fix, and no rule already there", async (t) => {
  // As in the lab: only db's ping to its gateway (the host itself) gets through.
  const r = await gradeCaptured('web-bridge', 'web-bridge-docker-forward', (line) => / 10\.40\.0\.1$/.test(line));
  t.equal(r.passed, false);
  t.equal(r.rootCause?.check?.id, 'web-bridge:4.4', 'the first probe that fails');
  t.match(r.rootCause?.cause, /FORWARD policy of the host is DROP/);
  t.match(r.rootCause?.fix, /^iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT/);
  const http = checksOf(r).find((c) => c.id === 'web-bridge:5.4');
  t.equal(http?.status, 'fail');
  t.equal(http?.hint, null, 'its hint would add the MASQUERADE rule a second time');
});

t.test('with br-web let through and NAT broken, the missing rule is the cause, not the policy', async (t) => {
  const r = await gradeCaptured(
    'web-bridge',
    'web-bridge-forward-fixed-nat-gone',
    (line) => !line.includes('203.0.113.1'),
  );
  t.equal(r.rootCause?.check?.id, 'web-bridge:5.2');
  t.equal(r.rootCause?.fix, 'iptables -t nat -A POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE');
  t.notMatch(r.rootCause?.cause, /FORWARD/);
});

t.test('ceth0 down inside netns0 is the cause of the pings and of the route that vanished with it', async (t) => {
  const r = await gradeCaptured('7', 'lesson-7-ceth0-down', (line) => !/netns0|172\.18\.0\.10/.test(line));
  t.equal(r.rootCause?.fix, 'nsenter --net=/run/netns/netns0 ip link set ceth0 up');
  t.match(r.rootCause?.cause, /ceth0 .*is down/);
  t.equal(r.rootCause?.check?.id, 'lesson-5:5.3', 'named at the first check it breaks');
  t.equal(checksOf(r).find((c) => c.id === 'lesson-6:3.1')?.status, 'fail', 'the default route is gone too');
});

t.test('a bridge that exists but is down is brought up, and no probe suggests a rule that is there', async (t) => {
  const r = await gradeCaptured('7', 'lesson-7-br0-down', () => false);
  t.equal(r.rootCause?.check?.id, 'lesson-5:3.1');
  t.equal(r.rootCause?.fix, 'ip link set br0 up');
  const suggested = checksOf(r).filter((c) => c.status === 'fail' && c.hint?.includes('MASQUERADE'));
  t.strictSame(suggested, [], 'the MASQUERADE rule is present: following the hint would add a duplicate');
});

t.test('nothing built on a pid target: the first broken thing for lesson 6 is netns0, with its fix', async (t) => {
  const r = await gradeCaptured('6', 'nothing-built', everywhere, { target: pidTarget() });
  t.equal(r.rootCause?.check?.id, 'lesson-5:2.1');
  t.equal(r.rootCause?.fix, 'ip netns add netns0');
  t.notMatch(r.rootCause?.cause, /not an address of this machine/, 'lesson 6 publishes nothing');
  t.equal(r.earned, 0);
});

t.test(
  'outside a lab, probes of an outside world the target lacks are skipped, never earned, and the grade fails',
  async (t) => {
    const r = await gradeCaptured('7', 'after-lesson-7', everywhere, { target: pidTarget() });
    t.equal(r.passed, false);
    t.equal(r.rootCause, null, 'nothing failed: nothing to fix');
    t.equal(r.skipped, 5);
    t.equal(r.possible - r.earned, 5, 'the points of what was not judged are missing from the total');
    t.match(r.skipReasons.join('\n'), /no outside world to send from; name the namespace that plays it with --outside/);
    const outside = await gradeCaptured('7', 'after-lesson-7', everywhere, { target: pidTarget('/run/tsnet/outside') });
    t.match(outside, { passed: true, skipped: 0 }, 'with --outside, every check is judged');
    t.equal(outside.earned, outside.possible);
  },
);

t.test('a host address that is not local blocks the grade of lesson 7, which publishes on it', async (t) => {
  const r = await gradeCaptured('7', 'after-lesson-7', everywhere, { vars: { host_ip: '172.16.0.77' } });
  t.equal(r.passed, false);
  t.match(r.rootCause?.cause, /172\.16\.0\.77 is not an address of this machine/);
  t.match(r.rootCause?.fix, /--var host_ip=172\.16\.0\.2/);
  const six = await gradeCaptured('6', 'after-lesson-7', everywhere, { vars: { host_ip: '172.16.0.77' } });
  t.notMatch(six.rootCause?.cause ?? '', /not an address of this machine/);
});
