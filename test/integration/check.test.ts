// Grading a network built by plain bash (no tsnet-learn) in a sandbox, through --target pid:PID.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from 'tap-parser';
import t from 'tap';
import { sandbox } from './harness.js';

const SANDBOX = fileURLToPath(new URL('../fixtures/student/sandbox.sh', import.meta.url));

interface Graded {
  passed: boolean;
  earned: number;
  possible: number;
  skipped: number;
  skipReasons: string[];
  rootCause: { check: { id: string } | null; cause: string; fix: string | null } | null;
  lessons: { id: string; checks: { id: string; status: string; message: string; hint: string | null }[] }[];
}

/**
 * Starts a student's sandbox with `mistake` applied (with `bare`, only the world is built); resolves with
 * its pid once built. Killed at teardown.
 */
function studentSandbox(t: Tap.Test, mistake: string, bare = false): Promise<number> {
  const child = spawn(
    'unshare',
    [
      '--net',
      '--mount',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount-proc',
      '--propagation',
      'private',
      'bash',
      SANDBOX,
      mistake,
      ...(bare ? ['bare'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('ready')) {
        const pid = Number(
          spawnSync('cat', [`/proc/${child.pid}/task/${child.pid}/children`], { encoding: 'utf8' })
            .stdout.trim()
            .split(/\s+/)[0],
        );
        resolve(pid);
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
  });
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
    const report = JSON.parse(r.stdout) as Graded;
    t.equal(report.passed, false, 'a check that could not be judged is not earned');
    t.same(
      report.lessons.map((l) => l.id),
      ['lesson-5', 'lesson-6', 'lesson-7'],
      'grouped by lesson, prerequisites first',
    );
    const statuses = report.lessons.flatMap((l) => l.checks.map((c) => c.status));
    t.notOk(statuses.includes('fail'));
    t.ok(statuses.filter((s) => s === 'pass').length >= 20, 'the state and the local probes pass');
    const skipped = report.lessons.flatMap((l) => l.checks).filter((c) => c.status === 'skip');
    t.ok(skipped.length > 0, 'probes that need an outside world are skipped, not passed');
    t.equal(report.skipped, skipped.length);
    for (const c of skipped)
      t.match(c.message, /outside world|not an address of pid:/, `${c.id} says why it was skipped`);
    t.ok(report.earned < report.possible, `not full points: ${report.earned}/${report.possible}`);
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
    const report = JSON.parse(r.stdout) as Graded;
    t.match(report, { passed: true, skipped: 0, rootCause: null });
    t.equal(report.earned, report.possible);
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
    t.match(JSON.parse(r.stdout) as Graded, { passed: true, skipped: 0 });
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
  const report = JSON.parse(r.stdout) as Graded;
  t.equal(report.rootCause?.check?.id, 'lesson-5:2.1');
  t.match(report.rootCause?.cause, /namespace netns0 exists/);
  t.equal(report.rootCause?.fix, 'ip netns add netns0');
});

t.test('br0 down: the fix brings it up, and no failing probe suggests the MASQUERADE rule that is there', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, 'ip link set br0 down');
  const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Graded;
  t.equal(report.rootCause?.check?.id, 'lesson-5:3.1');
  t.equal(report.rootCause?.fix, 'ip link set br0 up');
  const hints = report.lessons
    .flatMap((l) => l.checks)
    .filter((c) => c.status === 'fail' && c.hint?.includes('MASQUERADE'));
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
    const report = JSON.parse(r.stdout) as Graded;
    t.equal(report.passed, false);
    t.ok(report.earned < report.possible, `partial credit: ${report.earned}/${report.possible}`);
    t.match(
      report.rootCause?.check?.id,
      rootId,
      `root cause ${report.rootCause?.check?.id}: ${report.rootCause?.cause}`,
    );
    t.match(report.rootCause?.fix, hint);
  });
}

t.test('a host address that is not this machine is named, with the likely one to use instead', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, '');
  const r = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'json', '--var', 'host_ip=172.16.0.77']);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Graded;
  t.match(report.rootCause?.cause, /172\.16\.0\.77 is not an address of this machine/);
  t.match(report.rootCause?.fix, /--var host_ip=172\.16\.0\.2/, 'the uplink address is suggested');
});

t.test('--format tap is read by the TAP parser and --format junit is well-formed XML', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const pid = await studentSandbox(t, 'ip link set veth0 down');
  const tap = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'tap']);
  t.equal(tap.code, 1);
  const result = await new Promise<{ ok: boolean; count: number; fail: number; skip: number }>((resolve) => {
    const p = new Parser((res) =>
      resolve(res as unknown as { ok: boolean; count: number; fail: number; skip: number }),
    );
    p.end(tap.stdout);
  });
  t.equal(result.ok, false);
  t.ok(result.count >= 25, `${result.count} tests`);
  t.ok(result.fail >= 1);
  t.ok(result.skip >= 1);
  const junit = await box.run(['check', '7', '--target', `pid:${pid}`, '--format', 'junit']);
  const xml = spawnSync(
    'python3',
    [
      '-c',
      'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.read()); print(len(d.getElementsByTagName("testcase")), len(d.getElementsByTagName("failure")))',
    ],
    { input: junit.stdout, encoding: 'utf8' },
  );
  t.equal(xml.status, 0, `python's XML parser accepts it ${xml.stderr}`);
  const [cases, failures] = xml.stdout.trim().split(' ').map(Number);
  t.ok(cases! >= 25);
  t.ok(failures! >= 1);
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
    const dropped = JSON.parse(
      (await box.run(['check', lesson, '--target', 'lab:web', '--format', 'json'])).stdout,
    ) as Graded;
    t.match(dropped.rootCause?.cause, /FORWARD policy of the host is DROP/);
    t.match(
      dropped.rootCause?.fix,
      /^iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT/,
    );
    inLab(
      'iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT; iptables -t nat -D POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE',
    );
    const nat = JSON.parse(
      (await box.run(['check', lesson, '--target', 'lab:web', '--format', 'json'])).stdout,
    ) as Graded;
    t.equal(nat.rootCause?.check?.id, 'web-bridge:5.2');
    t.notMatch(nat.rootCause?.cause, /FORWARD/, 'the policy is blamed no more');
    t.equal(nat.rootCause?.fix, 'iptables -t nat -A POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE');
  },
);
