// --target host, run for real on a stand-in host: a sandbox with the tutorial's world (this machine's
// network is never touched). Preflight, record, reset, interruptions, and what must never change.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import { labInitScript } from '../../src/lab/labWorld.js';
import { startSandbox, untilReady } from '../../src/lab/startSandbox.js';
import { NOBODY, sandbox, type CliResult, type LiveCli } from './harness.js';

interface StandIn {
  pid: number;
  stateDir: string;
  /** The CLI, run inside the stand-in host. */
  cli(args: string[]): Promise<CliResult>;
  /** The CLI started inside it, returning while it runs. */
  start(args: string[]): LiveCli;
  /** A bash line inside it; its stdout. */
  sh(line: string): string;
}

/** A fresh stand-in host: the lab's world (eth0 172.16.0.2) in its own net, mount and pid namespaces. Killed at teardown. */
async function standInHost(t: Tap.Test): Promise<StandIn> {
  // pdeathsig: should this test process be killed (a timeout), the stand-in dies with it, teardown or not.
  const holder = startSandbox(['-c', labInitScript()], { wrap: ['setpriv', '--pdeathsig', 'KILL'] });
  holder.stdin.destroy();
  t.teardown(() => {
    holder.kill('SIGKILL');
  });
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const { ready, initPid: pid, stderr } = await untilReady(holder, 60_000);
  if (!ready || !pid) throw new Error(`stand-in host did not get ready: ${stderr}`);
  const enter = ['nsenter', '-t', String(pid), '--net', '--mount', '--pid', '--'];
  return {
    pid,
    stateDir: box.stateDir,
    cli: (args) => box.run(args, { wrap: enter }),
    start: (args) => box.start(args, { wrap: enter }),
    sh: (line) => spawnSync(enter[0]!, [...enter.slice(1), 'bash', '-c', line], { encoding: 'utf8' }).stdout,
  };
}

interface IpLink {
  ifname: string;
  flags: string[];
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** Everything a host run may change, in a form that ignores what the kernel varies by itself (carrier, counters, IPv6 link-local). */
function networkState(sh: (line: string) => string): Record<string, unknown> {
  const links = JSON.parse(sh('ip -d -j addr show')) as IpLink[];
  return {
    links: links.map(
      (l) => `${l.ifname} ${l.linkinfo?.info_kind ?? '-'} ${l.flags.includes('UP') ? 'up' : 'down'} ${l.master ?? '-'}`,
    ),
    addresses: links.flatMap((l) =>
      (l.addr_info ?? [])
        .filter((a) => !a.local.startsWith('fe80'))
        .map((a) => `${a.local}/${a.prefixlen} ${l.ifname}`),
    ),
    routes: (JSON.parse(sh('ip -j route show table main')) as { dst: string; gateway?: string; dev?: string }[]).map(
      (r) => `${r.dst} ${r.gateway ?? '-'} ${r.dev ?? '-'}`,
    ),
    netns: sh('ip netns list'),
    iptables: sh('iptables-save 2>/dev/null')
      .replace(/^#.*\n/gm, '')
      .replace(/\[\d+:\d+\]/g, ''),
    legacy: sh('iptables-legacy-save 2>/dev/null')
      .replace(/^#.*\n/gm, '')
      .replace(/\[\d+:\d+\]/g, ''),
    ipForward: sh('cat /proc/sys/net/ipv4/ip_forward'),
  };
}

/** Also the files under /run: a host run's jobs directory must go with a reset. */
const state = (h: StandIn): Record<string, unknown> => ({
  ...networkState(h.sh),
  run: h.sh('find /run -mindepth 1 | sort'),
});

/** The exit code, with the output shown only when it is not the one expected. */
const exits = (t: Tap.Test, r: CliResult, code: number, what: string): void => {
  t.equal(r.code, code, what, { stdout: r.stdout, stderr: r.stderr });
};

const servers = (h: StandIn): string[] =>
  h
    .sh('ps -eo pid,args')
    .split('\n')
    .filter((l) => /python3? -m http\.server/.test(l));
const recordFile = (h: StandIn): string => join(h.stateDir, 'host-record.json');

// The real host, before anything here ran: it must read the same at the end.
const realHost = (): Record<string, unknown> => {
  const s = networkState((line) => spawnSync('bash', ['-c', line], { encoding: 'utf8' }).stdout) as { links: string[] };
  // Other labs on this machine come and go in their own namespaces; the host's own links are what matter.
  return { ...s, run: existsSync('/run/netns') ? readdirSync('/run/netns').sort() : [] };
};
const realBefore = realHost();

const USER_THINGS =
  'ip link add keep0 type veth peer name keep1 && ip link set keep0 up && iptables -A INPUT -s 192.0.2.7 -j ACCEPT && iptables -t nat -A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE';

t.test(
  'lesson 7 passes on a stand-in host, twice; reset leaves it exactly as before, with what the user had',
  async (t) => {
    const h = await standInHost(t);
    h.sh(USER_THINGS);
    const before = state(h);

    const first = await h.cli(['run', '7', '--target', 'host', '--format', 'json']);
    exits(t, first, 0, 'the first run passes');
    const report = parseReport(first);
    t.equal(report.passed, true);
    t.equal(report.target, 'host');
    t.ok(
      checksOf(report).some((c) => c.status === 'skipped' && /outside world/.test(c.message)),
      'probes of the outside world are skipped on a host',
    );
    t.match(first.stderr, /recorded in .*host-record\.json/);
    t.equal(servers(h).length, 1, 'the web server runs');
    const record = JSON.parse(readFileSync(recordFile(h), 'utf8')) as {
      netns: string[];
      links: { name: string }[];
      rules: unknown[];
      sysctls: unknown[];
      processes: unknown[];
      pending: unknown;
    };
    t.strictSame([...record.netns].sort(), ['netns0', 'netns1']);
    t.strictSame(
      record.links.map((l) => l.name),
      ['br0', 'veth0', 'veth1'],
      'the links it created, and not keep0',
    );
    t.equal(record.rules.length, 3);
    t.strictSame(record.sysctls, [{ key: 'net.ipv4.ip_forward', original: '0' }]);
    t.equal(record.processes.length, 1);
    t.equal(record.pending, null);

    const afterFirst = state(h);
    const second = await h.cli(['run', '7', '--target', 'host']);
    exits(t, second, 0, 'so does a second one');
    t.match(second.stdout, /already in place: what lesson-7 builds is there/);
    t.match(second.stdout, /To do it again from the start: tsnet-learn reset --target host/);
    t.strictSame(state(h), afterFirst, 'a second run changes nothing: no rule twice, no second server');

    const reset = await h.cli(['reset', '--target', 'host']);
    exits(t, reset, 0, 'reset succeeds');
    for (const line of [
      'stop process',
      'delete iptables rule -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
      'delete link br0 (bridge)',
      'delete network namespace netns0',
      'set net.ipv4.ip_forward back to 0',
    ]) {
      t.ok(reset.stdout.includes(line), line);
    }
    t.notMatch(reset.stdout, /keep0|10\.99\.0\.0|192\.0\.2\.7/, "the user's link and rules are not touched");
    t.strictSame(state(h), before, 'links, addresses, routes, netns, iptables, ip_forward and /run are as before');
    t.strictSame(servers(h), [], 'no server of the run is left');
    t.notOk(existsSync(recordFile(h)), 'the record is gone');

    const again = await h.cli(['reset', '--target', 'host']);
    exits(t, again, 0, 'a second reset is fine too');
    t.match(again.stdout, /^Nothing to reset/);
  },
);

t.test('on a host with nothing of its own in iptables, reset also removes the nat table the run made', async (t) => {
  const h = await standInHost(t);
  const before = state(h);
  t.equal((before as { iptables: string }).iptables, '', 'an empty iptables to start with');
  exits(t, await h.cli(['run', '6', '--target', 'host', '--format', 'json']), 0, 'lesson 6 passes');
  const reset = await h.cli(['reset', '--target', 'host']);
  exits(t, reset, 0, 'reset succeeds');
  t.match(reset.stdout, /delete the iptables table nat/);
  t.strictSame(state(h), before);
});

for (const [sig, when] of [
  ['SIGTERM', 'interrupted'],
  ['SIGKILL', 'killed'],
] as const) {
  t.test(`a run ${when} half-way (${sig}) is recorded, and reset undoes what it did`, async (t) => {
    const h = await standInHost(t);
    const before = state(h);
    const run = h.start(['run', '7', '--target', 'host']);
    // Stop it in the middle of lesson 7, right after its server started.
    await run.until((out) => /started in the background|Forward the host's port/.test(out));
    run.kill(sig);
    const { code } = await run.exit;
    const [out, err] = [run.stdout(), run.stderr()];
    t.not(code, 0, 'the run did not finish', { stdout: out, stderr: err });
    const record = JSON.parse(readFileSync(recordFile(h), 'utf8')) as { pending: unknown; links: unknown[] };
    if (sig === 'SIGTERM') {
      t.match(err, /interrupted on the host/);
      t.equal(record.pending, null, 'recorded before it exited');
      t.equal(record.links.length, 3);
    } else t.not(record.pending, null, 'killed outright: the record holds the state before it, for the next command');
    t.not(state(h), before);

    exits(t, await h.cli(['reset', '--target', 'host']), 0, 'reset succeeds');
    t.strictSame(state(h), before);
    t.strictSame(servers(h), [], 'the server it started is stopped');
  });
}

t.test(
  'while a host run changes the stand-in, a second run and a reset are refused at once, name it, and change nothing',
  async (t) => {
    const h = await standInHost(t);
    const first = h.start(['run', '6', '--target', 'host']);
    await first.until((out) => /\n {2}1\. /.test(out));
    // Stopped, not killed: it holds the machine for as long as the test needs, however fast the machine.
    first.kill('SIGSTOP');
    t.teardown(() => first.kill('SIGCONT'));
    const during = state(h);
    for (const args of [
      ['run', '7', '--target', 'host'],
      ['reset', '--target', 'host'],
    ]) {
      const r = await h.cli(args);
      exits(t, r, 2, `${args[0]} is refused`);
      t.match(
        r.stderr,
        /This machine's network is being changed by `tsnet-learn run lesson-6 --target host` \(pid \d+\)/,
      );
      t.equal(r.stdout, '', 'no step ran');
    }
    t.strictSame(state(h), during, 'neither changed anything');
    first.kill('SIGCONT');
    t.equal((await first.exit).code, 0, first.stderr());
    t.notMatch(first.stdout(), /lesson-7/, 'nothing of the second run reached the machine');
    exits(t, await h.cli(['reset', '--target', 'host']), 0, 'reset works once the run has finished');
  },
);

const CONFLICTS: [string, string, RegExp][] = [
  ['a bridge named br0', 'ip link add br0 type bridge', /a link named br0 already exists \(bridge\)/],
  ['a netns named netns0', 'ip netns add netns0', /a network namespace named netns0 already exists/],
  [
    '172.18.0.0/16 routed elsewhere',
    'ip link add dock0 type veth peer name dock1 && ip link set dock0 up && ip route add 172.18.0.0/16 dev dock0',
    /172\.18\.0\.0\/16 is already in use here: route 172\.18\.0\.0\/16 dev dock0/,
  ],
  ['FORWARD policy DROP', 'iptables -P FORWARD DROP', /the iptables FORWARD policy is DROP/],
  [
    'legacy rules beside nf_tables',
    'iptables-legacy -A INPUT -s 192.0.2.1 -j ACCEPT',
    /iptables here is nf_tables, but iptables-legacy also holds 1 rule/,
  ],
];

for (const [name, make, message] of CONFLICTS) {
  t.test(`a conflict (${name}) stops the run before anything changes, with what to do`, async (t) => {
    const h = await standInHost(t);
    h.sh(make);
    const before = state(h);
    const r = await h.cli(['run', '7', '--target', 'host']);
    exits(t, r, 2, 'the run is refused');
    t.match(r.stderr, /Not running on this machine: a conflict with what the lessons create\. Nothing was changed\./);
    t.match(r.stderr, message);
    t.match(r.stderr, /Why it matters: .*\n.*What to do: /);
    t.equal(r.stdout, '', 'no step ran');
    t.strictSame(state(h), before, 'nothing changed');
    // The claim it took and released leaves no empty directory behind, so the state directory may be gone.
    t.strictSame(existsSync(h.stateDir) ? readdirSync(h.stateDir) : [], [], 'and nothing was recorded');
  });
}

t.test('reset is only for the host, and says how to remove a lab', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const none = await box.run(['reset']);
  exits(t, none, 2, 'no target: usage error');
  t.match(none.stderr, /reset needs --target host/);
  const lab = await box.run(['reset', '--target', 'lab:default']);
  exits(t, lab, 2, 'a lab: usage error');
  t.match(lab.stderr, /lab destroy/);
  const user = sandbox(NOBODY);
  t.teardown(() => user.cleanup());
  const unprivileged = await user.run(['reset', '--target', 'host'], { asUser: NOBODY });
  exits(t, unprivileged, 2, 'not root: refused');
  t.match(unprivileged.stderr, /reset --target host needs root/);
  const help = await box.run(['reset', '--help']);
  exits(t, help, 0, '--help');
  t.match(help.stdout, /sudo tsnet-learn reset --target host/);
});

t.test("this machine's own network is as it was before these tests", async (t) => {
  t.strictSame(realHost(), realBefore);
});
