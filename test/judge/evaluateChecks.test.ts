// Judging checks: probes side by side once the links settle, and outside-world probes sent by the grader.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { declOf } from '../helpers/lessonOf.js';
import { evaluateChecks, evaluateWithSnapshot } from '../../src/judge/evaluateChecks.js';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { lessonTopology } from '../../src/lesson/lessonTopology.js';
import { parseSshDestination } from '../../src/target/sshDestination.js';
import type { Target } from '../../src/target/target.js';
import { recordedLab, recordedShell } from '../helpers/recordedShell.js';
import { snapshotOf, snapshotText } from '../helpers/snapshot.js';
import { pidTarget } from '../helpers/targets.js';

const decl = declOf;
const settleOutput = (name: string): string =>
  readFileSync(new URL(`../fixtures/settle/${name}.txt`, import.meta.url), 'utf8');

/**
 * The captured lab after lesson 7; readings of what is coming up answer with `settle` (captured too), or
 * with `neighbours` when they ask for neighbours. `proxied`: the first reading also says that every
 * interface of the host answers ARP by proxy (the capture's inet `all` entry turned on).
 */
function lab(settle: string, reach: (line: string) => boolean, neighbours = settle, proxied = false) {
  const shell = recordedShell(snapshotText('after-lesson-7'), reach);
  const batches: string[][] = [];
  const settleReads: string[] = [];
  const { exec, execAll } = shell;
  shell.exec = async (line, options) => {
    if (!line.includes('@@tsnet settle')) return exec(line, options);
    settleReads.push(line);
    const asksNeighbours = /neigh show\\n/.test(line);
    let stdout = settleOutput(asksNeighbours ? neighbours : settle);
    if (proxied && !asksNeighbours) stdout = stdout.replace(/("interface":"all",[^}]*"proxy_neigh":)false/, '$1true');
    return { line, exitCode: 0, stdout, stderr: '', durationMs: 0 };
  };
  shell.execAll = async (lines) => {
    batches.push([...lines]);
    return execAll(lines);
  };
  return { shell, batches, settleReads };
}

const checks = [
  decl('ping 172.18.0.20 from=netns0', 'positive'),
  decl('ping 203.0.113.9 from=netns0 fails', 'silent'),
  decl('ping 172.18.0.99 from=netns1 fails', 'also-silent'),
];

t.test(
  'every probe goes out in one batch, the negative ones beside the rest, once the links have settled',
  async (t) => {
    const { shell, batches, settleReads } = lab('after-lesson-7-proxies-read', (line) => line.includes('172.18.0.20'));
    const results = await evaluateChecks(checks, shell, recordedLab);
    t.strictSame(
      results.map((r) => r.status),
      ['passed', 'passed', 'passed'],
    );
    t.equal(batches[0]!.length, 3, 'one batch, side by side');
    t.match(settleReads[0], /link show\\nnetconf show\\nneigh show proxy/, 'first the links and who answers by proxy');
    t.equal(settleReads.length, 1, 'nobody answers by proxy here: silence needs no reading after its window');
    t.ok(
      batches[0]!.filter((l) => /fails|-w 1/.test(l)).every((l) => l.includes('timeout -s INT 0.1 ping')),
      'and is listened to for a tenth of a second',
    );
  },
);

t.test('without a negative claim, nothing is waited for', async (t) => {
  const { shell, settleReads } = lab('after-lesson-7', () => true);
  await evaluateChecks([checks[0]!], shell, recordedLab);
  t.strictSame(settleReads, []);
});

t.test(
  'silence while a bridge port is still listening proves nothing: the negative claim fails, saying why',
  async (t) => {
    const { shell } = lab('stp-port-listening', () => false);
    const [silent] = await evaluateChecks([checks[1]!], shell, recordedLab);
    t.equal(silent?.status, 'failed');
    t.match(silent?.message, /still coming up \(pstp: bridge port listening\): no proof of silence/);
  },
);

t.test(
  'where a proxy answers ARP, negative probes that wait a second window while a neighbour resolves wait it side by side',
  async (t) => {
    const { shell, batches, settleReads } = lab(
      'after-lesson-7-proxies-read',
      () => false,
      'neighbour-resolving',
      true,
    );
    // The captured neighbour never resolves here: every reading says so, and each claim gets its second window.
    const results = await evaluateChecks(checks.slice(1), shell, recordedLab);
    t.strictSame(
      results.map((r) => r.status),
      ['passed', 'passed'],
      'two unanswered windows are silence',
    );
    t.strictSame(
      batches.map((b) => b.length),
      [2, 2],
      'both second windows in one batch',
    );
    t.equal(settleReads.filter((r) => /neigh show\\n/.test(r)).length, 1, 'asked once for both');
  },
);

t.test('a snapshot handed in without the outside world is completed, so --outside probes are judged', async (t) => {
  const { shell } = lab('after-lesson-7', () => true);
  // As run hands it in after a step: read without the outside world.
  const withoutOutside = snapshotOf('after-lesson-7');
  delete withoutOutside.spaces.outside;
  t.equal(withoutOutside.spaces.outside, undefined);
  const [r] = await evaluateChecks(
    [decl('ping 203.0.113.1 from=netns0', 'out')],
    shell,
    pidTarget('/run/tsnet/outside'),
    {
      snapshot: withoutOutside,
    },
  );
  t.equal(r?.status, 'passed', r?.message);
});

// Outside-world probes sent by the grading machine (--probe-from-grader): only to the student's address.
/** A remote machine: no outside world of its own. */
const remote: Target = {
  spec: { kind: 'ssh', ssh: { form: 'alias', alias: 'alice' } },
  label: 'ssh:alice',
  argv: [],
  jobsDir: '/tmp/x',
  hasOutside: false,
  outsideNs: null,
  fresh: false,
  lab: null,
};

const graderChecks = [
  decl('http http://172.16.0.2:5000/ html from=outside', 'published'),
  decl('ping 203.0.113.1 from=outside', 'elsewhere'),
  decl('http http://172.18.0.10:5000/ html', 'direct'),
];
/** What lessons 5 to 7 build: where the student's machine may send the probe from its host. */
const built = async () => lessonTopology((await resolveLesson('7')).chain);

t.test('without the grader, outside-world probes are skipped on a machine that has no outside world', async (t) => {
  const student = recordedShell(snapshotText('after-lesson-7'));
  const { results } = await evaluateWithSnapshot(graderChecks, student, remote, { topology: await built() });
  t.strictSame(
    results.map((r) => r.status),
    ['skipped', 'skipped', 'passed'],
  );
});

t.test("the grader sends them itself, to the student's address and nowhere else", async (t) => {
  const student = recordedShell(snapshotText('after-lesson-7'));
  const grader = recordedShell('', (line) => !line.includes('172.16.0.2'));
  const { results } = await evaluateWithSnapshot(graderChecks, student, remote, {
    grader: { shell: grader, address: '172.16.0.2' },
    topology: await built(),
  });
  t.strictSame(grader.lines.length, 1, 'one probe from the grader');
  t.match(grader.lines[0], /^curl .*'?http:\/\/172\.16\.0\.2:5000\/'?/, 'sent as is, not inside a namespace');
  t.notMatch(student.lines.join('\n'), /172\.16\.0\.2:5000/, "the student's machine was not asked");
  t.equal(results[0]!.status, 'failed', "the grader's answer stands (here: no connection)");
  t.equal(results[1]!.status, 'skipped');
  t.match(results[1]!.message, /only to the student's own address 172\.16\.0\.2, not to 203\.0\.113\.1/);
  t.equal(results[2]!.status, 'passed', 'probes from the host still run on the student machine');
});

/** A student's machine over ssh, with somewhere of its own to write the probes' output. */
const studentMachine: Target = {
  spec: { kind: 'ssh', ssh: parseSshDestination('ssh://root@student') },
  label: 'ssh://root@student',
  argv: [],
  jobsDir: '/tmp/tsnet-learn.0123456789abcdef',
  hasOutside: false,
  outsideNs: null,
  fresh: false,
  lab: null,
};

const unquote = (s: string): string => (s.startsWith("'") ? s.slice(1, -1).replace(/'\\''/g, "'") : s);

/**
 * The captured lab after lesson 7 as a remote machine: it also answers the one-round-trip script, running
 * (in play) each probe whose guard holds there, with the settle reading `tripSettle`. `ran`: probes it ran.
 */
function overSshMachine(
  tripSettle: string,
  settle: string,
  reach: (line: string) => boolean,
  neighbours = settle,
  proxied = false,
) {
  const l = lab(settle, reach, neighbours);
  const machine = recordedShell(snapshotText('after-lesson-7'), reach);
  const trips: string[] = [];
  const ran: string[] = [];
  const { exec } = l.shell;
  l.shell.exec = async (script, options) => {
    if (!script.includes('@@tsnet-trip')) return exec(script, options);
    trips.push(script);
    const read = (await machine.exec(script)).stdout;
    const records: string[] = [];
    for (const m of script.matchAll(
      /^exec \{__tsnet_f\d+\}< <\((?:if (.*?); then )?__tsnet_probe (\d+) [01] ('.*?'|\S+)(?:; fi)?\)$/gm,
    )) {
      const held = m[1] ? /\]\]([\d.]+)\/\*/.exec(m[1].replace('*[[:space:]]', ']]'))?.[1] : null;
      if (held && !read.includes(`"local":"${held}"`)) continue;
      const line = unquote(m[3]!);
      ran.push(line);
      const [r] = await machine.execAll([line]);
      records.push(`\n@@tsnet-probe ${m[2]} ${r!.exitCode}\n${r!.output}`);
    }
    const read_ = (name: string): string =>
      proxied
        ? settleOutput(name).replace(/("interface":"all",[^}]*"proxy_neigh":)false/, '$1true')
        : settleOutput(name);
    const part = (name: string, from: string, to: string): string =>
      script.slice(script.indexOf(from), script.indexOf(to)).includes('@@tsnet settle') ? read_(name) : '';
    const stdout = [
      read,
      `\n@@tsnet-trip settle\n${part(tripSettle, 'tsnet-trip settle', 'tsnet-trip probes')}`,
      `\n@@tsnet-trip probes\n${records.join('')}`,
      `\n@@tsnet-trip neighbours\n${part(neighbours, 'tsnet-trip neighbours', '\uffff')}`,
    ].join('');
    return { line: script, exitCode: 0, stdout, stderr: '', durationMs: 0 };
  };
  return { ...l, trips, ran };
}

const overSsh = [
  decl('ping 172.18.0.20 from=netns0', 'reaches'),
  decl('http http://172.18.0.10:5000/ html', 'serves'),
  decl('ping 172.18.0.10 from=netns1 fails', 'silent'),
  decl('link br0 up', 'state'),
];
const reachable = (line: string): boolean => !line.includes('-w 1 172.18.0.10');
const verdicts = (rs: readonly { status: string; message: string }[]) => rs.map((r) => [r.status, r.message]);

t.test(
  'over ssh, the state read, the settle read and every probe take one round trip, verdicts unchanged',
  async (t) => {
    const two = lab('after-lesson-7', reachable);
    const expected = await evaluateChecks(overSsh, two.shell, studentMachine);
    const one = overSshMachine('after-lesson-7', 'after-lesson-7', reachable);
    const results = await evaluateChecks(overSsh, one.shell, studentMachine, { oneRoundTrip: true });
    t.strictSame(verdicts(results), verdicts(expected));
    t.strictSame(
      results.map((r) => r.status),
      ['passed', 'passed', 'passed', 'passed'],
    );
    t.equal(one.trips.length, 1, 'one script');
    t.strictSame(one.batches, [], 'no probe sent afterwards');
    t.strictSame(one.settleReads, [], 'nothing read afterwards: the neighbours were read in the script');
    t.equal(one.ran.length, 3);
  },
);

t.test('a probe to an address no namespace there holds waits for the snapshot: a second round trip', async (t) => {
  const checks = [...overSsh, decl('ping 172.18.0.99 from=netns0 fails', 'nobody')];
  const reach = (line: string): boolean => reachable(line) && !line.includes('172.18.0.99');
  // The lessons build 172.18.0.0/16 and their links carry it there: the policy lets the probe go.
  const topology = await built();
  const expected = await evaluateChecks(checks, lab('after-lesson-7', reach).shell, studentMachine, { topology });
  const one = overSshMachine('after-lesson-7', 'after-lesson-7', reach);
  const results = await evaluateChecks(checks, one.shell, studentMachine, { oneRoundTrip: true, topology });
  t.equal(results.at(-1)?.status, 'passed', 'sent, and silent');
  t.strictSame(verdicts(results), verdicts(expected));
  t.notOk(
    one.ran.some((l) => l.includes('172.18.0.99')),
    'not sent before the policy could judge it',
  );
  t.strictSame(one.batches, [
    ['nsenter --net=/run/netns/netns0 timeout -s INT 0.1 ping -c 1 -i 0.05 -w 1 172.18.0.99'],
  ]);
});

t.test('an address the policy refuses is never sent, early or late', async (t) => {
  const checks = [decl('ping 203.0.113.9 from=netns0', 'away')];
  const one = overSshMachine('after-lesson-7', 'after-lesson-7', () => true);
  const [away] = await evaluateChecks(checks, one.shell, studentMachine, { oneRoundTrip: true });
  t.equal(away?.status, 'skipped');
  t.strictSame(one.ran, []);
  t.strictSame(one.batches, []);
});

t.test(
  'still coming up when the script probed: its answers are dropped, the probes sent again once settled',
  async (t) => {
    const one = overSshMachine('stp-port-listening', 'after-lesson-7', reachable);
    const results = await evaluateChecks(overSsh, one.shell, studentMachine, { oneRoundTrip: true });
    const expected = await evaluateChecks(overSsh, lab('after-lesson-7', reachable).shell, studentMachine);
    t.strictSame(verdicts(results), verdicts(expected));
    t.equal(one.settleReads.filter((r) => !/neigh show\\n/.test(r)).length, 1, 'read again until settled');
    t.equal(one.batches[0]?.length, 3, 'every probe sent again, after that read');
  },
);

t.test(
  'over ssh, where the script finds someone answering ARP by proxy, a short silence is not taken: 1 s is sent after',
  async (t) => {
    const one = overSshMachine('after-lesson-7-proxies-read', 'after-lesson-7', reachable, 'after-lesson-7', true);
    const results = await evaluateChecks(overSsh, one.shell, studentMachine, { oneRoundTrip: true });
    t.equal(results[2]?.status, 'passed', 'silent through the long window too');
    t.ok(
      one.ran.some((l) => l.includes('timeout -s INT 0.1 ping')),
      'the script sent the short window, before anyone knew',
    );
    t.strictSame(
      one.batches,
      [['nsenter --net=/run/netns/netns1 ping -c 1 -i 0.2 -w 1 172.18.0.10']],
      'and the judge sent the long one after',
    );
  },
);
