// Grading a network built by plain bash (no tsnet-learn) in a sandbox, through --target pid:PID.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { Parser } from 'tap-parser';
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import { sandbox } from './harness.js';
import { studentSandbox as buildSandbox } from './studentMachines.js';

/**
 * A student's sandbox with `mistake` applied (with `bare`, only the world is built), killed at the test's
 * teardown; resolves with its pid once built.
 */
function studentSandbox(t: Tap.Test, mistake: string, bare = false): Promise<number> {
  return buildSandbox((kill) => t.teardown(kill), mistake, bare);
}

/** The sandbox's process that lives in its outside world (its web server), by host pid. */
function outsideProcess(pid: number): number {
  const world = statSync(`/proc/${pid}/root/run/world/outside`);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  const inside = children.find((c) => {
    const net = statSync(`/proc/${c}/ns/net`);
    return net.dev === world.dev && net.ino === world.ino;
  });
  if (!inside) throw new Error('no process in the outside world of the sandbox');
  return inside;
}

t.test(
  'a network typed by hand in a sandbox: what its pid alone cannot reach is not judged, so not passed',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const pid = await studentSandbox(t, '');
    const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json']);
    t.equal(r.code, 1, r.stderr);
    const report = parseReport(r);
    t.equal(report.passed, false, 'a check that could not be judged is not earned');
    t.same(
      report.lessons.map((l) => l.id),
      ['lesson-5', 'lesson-6', 'lesson-7'],
      'grouped by lesson, prerequisites first',
    );
    const statuses = checksOf(report).map((c) => c.status);
    t.notOk(statuses.includes('failed'));
    t.ok(statuses.filter((s) => s === 'passed').length >= 20, 'the state and the local probes pass');
    const skipped = checksOf(report).filter((c) => c.status === 'skipped');
    t.ok(skipped.length > 0, 'probes that need an outside world are skipped, not passed');
    t.equal(report.summary.skipped, skipped.length);
    for (const c of skipped)
      t.match(c.message, /outside world|not an address of pid:/, `${c.id} says why it was skipped`);
    t.same(report.summary.skipReasons, [...new Set(skipped.map((c) => c.message))], 'each reason once');
    const { earned, possible } = report.summary;
    t.ok(earned < possible, `not full points: ${earned}/${possible}`);
    t.equal(report.rootCause, null, 'nothing failed, so nothing to fix');
    const pretty = await box.run(['check', '7', '--target', `pid:${pid}`]);
    t.match(pretty.stdout, new RegExp(`${skipped.length} checks not judged: `));
  },
);

t.test(
  '--outside pid:PID names the sandbox namespace that plays the outside world: everything is judged',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const pid = await studentSandbox(t, '');
    const outside = outsideProcess(pid);
    const r = await box.run([
      'check',
      '7',
      '--target',
      `pid:${pid}`,
      '--outside',
      `pid:${outside}`,
      '--format',
      'json',
    ]);
    t.equal(r.code, 0, r.stderr);
    const report = parseReport(r);
    t.match(report, { passed: true, summary: { skipped: 0 }, rootCause: null });
    t.equal(report.summary.earned, report.summary.possible);
  },
);

t.test(
  '--outside NAME names it by its netns name inside the target; a wrong one changes nothing and exits 2',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const pid = await studentSandbox(t, 'touch /run/netns/world && mount --bind /run/world/outside /run/netns/world');
    const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--outside', 'world', '--format', 'json']);
    t.equal(r.code, 0, r.stderr);
    t.match(parseReport(r), { passed: true, summary: { skipped: 0 } });
    const wrong = await box.run(['check', '7', '--target', `pid:${pid}`, '--outside', 'nowhere']);
    t.equal(wrong.code, 2);
    t.match(wrong.stderr, /No network namespace "nowhere" in pid:\d+/);
    const lab = await box.run(['check', '7', '--target', 'lab:x', '--outside', 'world']);
    t.equal(lab.code, 2);
    t.match(lab.stderr, /--outside is for --target host or pid:PID/);
  },
);

t.test('with nothing built, the first broken thing for lesson 6 is netns0, with its fix', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, '', true);
  const r = await box.run(['check', '6', '--target', `pid:${pid}`, '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.equal(report.rootCause?.check, 'lesson-5:2.1');
  t.match(report.rootCause?.message, /namespace netns0 exists/);
  t.equal(report.rootCause?.fix, 'ip netns add netns0');
});

t.test('br0 down: the fix brings it up, and no failing probe suggests the MASQUERADE rule that is there', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, 'ip link set br0 down');
  const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.equal(report.rootCause?.check, 'lesson-5:3.1');
  t.equal(report.rootCause?.fix, 'ip link set br0 up');
  const hints = checksOf(report).filter((c) => c.status === 'failed' && c.hint?.includes('MASQUERADE'));
  t.strictSame(hints, [], 'following such a hint would add the rule a second time');
});

// Each single mistake a student could make: the run fails, and the first broken link names the fix.
const MISTAKES: [string, string, RegExp, RegExp][] = [
  [
    'MASQUERADE missing',
    'iptables -t nat -D POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    /^lesson-6:4\.1$/,
    /MASQUERADE/,
  ],
  ['ip_forward off', 'echo 0 > /proc/sys/net/ipv4/ip_forward', /^lesson-6:2\.1$/, /ip_forward/],
  ['veth0 down', 'ip link set veth0 down', /^lesson-5:4\.1$/, /ip link set veth0/],
  [
    'ceth0 down inside netns0',
    'nsenter --net=/run/netns/netns0 ip link set ceth0 down',
    /^lesson-5:5\.3$/,
    /^nsenter --net=\/run\/netns\/netns0 ip link set ceth0 up$/,
  ],
  ['veth1 not on the bridge', 'ip link set veth1 nomaster', /^lesson-5:4\.2$/, /master br0/],
  [
    'no default route in netns1',
    'nsenter --net=/run/netns/netns1 ip route del default',
    /^lesson-6:3\.2$/,
    /ip route add default via 172\.18\.0\.1/,
  ],
  [
    'DNAT to the wrong port',
    'iptables -t nat -R PREROUTING 1 -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5001',
    /^lesson-7:2\.1$/,
    /PREROUTING/,
  ],
  [
    'bridge without its address',
    'ip addr del 172.18.0.1/16 dev br0',
    /^lesson-6:1\.1$/,
    /ip addr add 172\.18\.0\.1\/16 dev br0/,
  ],
  [
    'FORWARD policy DROP, as Docker leaves it',
    'iptables -P FORWARD DROP',
    /^lesson-5:5\.\d$/,
    /iptables -I FORWARD -i br0 -j ACCEPT/,
  ],
  [
    '172.18.0.0/16 taken by another network',
    'ip link add dock0 type veth peer name dock1; ip link set dock1 up; ip link set dock0 up; ip route del 172.18.0.0/16 dev br0; ip addr add 172.18.99.1/16 dev dock0; ip route add 172.18.0.0/16 dev br0 src 172.18.0.1 metric 100',
    /^lesson-6:1\.[34]$/,
    /ip route del 172\.18\.0\.0\/16 dev dock0/,
  ],
];

for (const [name, mistake, rootId, hint] of MISTAKES) {
  t.test(`a mistake (${name}) exits 1 and the first broken link names the fix`, async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const pid = await studentSandbox(t, mistake);
    const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json']);
    t.equal(r.code, 1, r.stderr);
    const report = parseReport(r);
    t.equal(report.passed, false);
    const { earned, possible } = report.summary;
    t.ok(earned < possible, `partial credit: ${earned}/${possible}`);
    t.match(report.rootCause?.check, rootId, `root cause ${report.rootCause?.check}: ${report.rootCause?.message}`);
    t.match(report.rootCause?.fix, hint);
  });
}

t.test('a host address that is not this machine is named, with the likely one to use instead', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, '');
  const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json', '--var', 'host_ip=172.16.0.77']);
  t.equal(r.code, 1, r.stderr);
  const report = parseReport(r);
  t.match(report.rootCause?.message, /172\.16\.0\.77 is not an address of this machine/);
  t.match(report.rootCause?.fix, /--var host_ip=172\.16\.0\.2/, 'the uplink address is suggested');
});

t.test('--format tap and --format junit carry the hints and the root cause; junit has times', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, 'ip link set veth0 down');
  // The hints of the failing checks, as the JSON report has them: TAP and JUnit must say the same.
  const hints = new Map(
    checksOf(parseReport(await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json'])))
      .filter((c) => c.status === 'failed')
      .map((c) => [c.id, c.hint]),
  );
  t.ok(
    [...hints.values()].some((h) => h !== null),
    'some failing checks have a hint',
  );
  const tap = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'tap']);
  t.equal(tap.code, 1);
  const failed: { diag: { id?: string; hint?: string | null; rootCause?: string; fix?: string } }[] = [];
  const result = await new Promise<{ ok: boolean; count: number; fail: number; skip: number }>((resolve) => {
    const p = new Parser((res) =>
      resolve(res as unknown as { ok: boolean; count: number; fail: number; skip: number }),
    );
    p.on(
      'assert',
      (a: { ok: boolean; diag: { id?: string; hint?: string | null; rootCause?: string; fix?: string } }) => {
        if (!a.ok) failed.push(a);
      },
    );
    p.end(tap.stdout);
  });
  t.equal(result.ok, false);
  t.ok(result.count >= 25, `${result.count} tests`);
  t.ok(result.fail >= 1);
  t.ok(result.skip >= 1);
  t.same(new Map(failed.map((a) => [a.diag.id, a.diag.hint])), hints, 'every failure, with its hint');
  t.match(
    failed.filter((a) => a.diag.rootCause),
    [{ diag: { fix: /ip link set veth0/ } }],
    'one failure is the root cause, with its fix',
  );
  t.match(tap.stdout, /\n# First broken link \(lesson-5, step 4\): .*\n# Fix it first: .*ip link set veth0/);
  const junit = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'junit']);
  t.equal(junit.code, 1);
  const xml = spawnSync(
    'python3',
    [
      '-c',
      `import sys, json, xml.dom.minidom as m
d = m.parseString(sys.stdin.read())
timed = d.getElementsByTagName("testsuites") + d.getElementsByTagName("testsuite") + d.getElementsByTagName("testcase")
print(json.dumps({
  "cases": len(d.getElementsByTagName("testcase")),
  "failures": {f.parentNode.getAttribute("name"): f.firstChild.data for f in d.getElementsByTagName("failure")},
  "untimed": [e.tagName for e in timed if not e.getAttribute("time")],
  "props": [p.getAttribute("name") + "=" + p.getAttribute("value") for p in d.getElementsByTagName("property")],
}))`,
    ],
    { input: junit.stdout, encoding: 'utf8' },
  );
  t.equal(xml.status, 0, `python's XML parser accepts it ${xml.stderr}`);
  const parsed = JSON.parse(xml.stdout) as {
    cases: number;
    failures: Record<string, string>;
    untimed: string[];
    props: string[];
  };
  t.ok(parsed.cases >= 25);
  t.same(parsed.untimed, [], 'testsuites, testsuite and testcase have a time');
  // A testcase is named `title (id)`.
  const junitHints = new Map(
    Object.entries(parsed.failures).map(([name, text]) => [
      /\(([^()]+)\)$/.exec(name)?.[1],
      /^hint: (.*)$/m.exec(text)?.[1] ?? null,
    ]),
  );
  t.same(junitHints, hints, 'every failure, with its hint');
  t.match(Object.values(parsed.failures).join('\n'), /First broken link \(lesson-5, step 4\)/);
  t.ok(
    parsed.props.some((p) => /^fix=.*ip link set veth0/.test(p)),
    'the root cause and its fix are properties of its lesson',
  );
});

t.test('check never changes what it grades', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, '');
  const state = (): string =>
    spawnSync(
      'nsenter',
      [
        '-t',
        String(pid),
        '--net',
        '--mount',
        '--',
        'bash',
        '-c',
        'ip -o link; ip -o -4 addr; ip route; iptables-save | grep -v "^#" | sed "s/\\[[0-9:]*\\]//"; ls -laR /run; cat /proc/sys/net/ipv4/ip_forward',
      ],
      { encoding: 'utf8' },
    ).stdout;
  const before = state();
  await box.run(['check', '7', '--target', `pid:${pid}`]);
  t.equal(state(), before);
});

t.test(
  "another course's bridge br-web: Docker's FORWARD policy is named with it, then NAT once that is fixed",
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const lesson = 'test/fixtures/lessons/web-bridge/lesson.md';
    const built = await box.run(['run', lesson, '--target', 'lab:web', '--format', 'json']);
    t.equal(built.code, 0, built.stderr);
    const inLab = (script: string): void => {
      const { initPid } = JSON.parse(readFileSync(`${box.stateDir}/labs/web.json`, 'utf8')) as { initPid: number };
      const r = spawnSync('nsenter', ['-t', String(initPid), '--net', '--mount', '--pid', '--', 'bash', '-c', script]);
      t.equal(r.status, 0, `in the lab: ${script}`);
    };
    inLab('ip link add docker0 type bridge; iptables -A FORWARD -i docker0 -j ACCEPT; iptables -P FORWARD DROP');
    const dropped = parseReport(await box.run(['check', lesson, '--target', 'lab:web', '--format', 'json']));
    t.match(dropped.rootCause?.message, /FORWARD policy of the host is DROP/);
    t.match(
      dropped.rootCause?.fix,
      /^iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT/,
    );
    inLab(
      'iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT; iptables -t nat -D POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE',
    );
    const nat = parseReport(await box.run(['check', lesson, '--target', 'lab:web', '--format', 'json']));
    t.equal(nat.rootCause?.check, 'web-bridge:5.2');
    t.notMatch(nat.rootCause?.message, /FORWARD/, 'the policy is blamed no more');
    t.equal(nat.rootCause?.fix, 'iptables -t nat -A POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE');
  },
);
