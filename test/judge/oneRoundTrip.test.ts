// The one-round-trip script: what it sends early, what it keeps for later, and how its answer splits.
// The scripts run in a real bash, with `ip` a function printing a captured `ip -4 -br addr` and probe
// lines that only echo: nothing is sent anywhere.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { declOf } from '../helpers/lessonOf.js';
import { firstProbes, oneRoundTripScript, splitOneRoundTrip, type FirstProbe } from '../../src/judge/oneRoundTrip.js';
import type { CheckDecl } from '../../src/lesson/lesson.js';
import { inNamespace } from '../../src/snapshot/takeSnapshot.js';

const decl = (source: string): CheckDecl => declOf(source, source);

// `ip -4 -br addr show` on the host and in netns0 of a machine that did lesson 7.
const IP = `ip() {
  case "$*" in
    "-4 -br addr show") printf 'lo               UNKNOWN        127.0.0.1/8 \\nbr0              UP             172.18.0.1/16 \\n' ;;
    "-n netns0 -4 -br addr show") printf 'lo               UNKNOWN        127.0.0.1/8 \\nceth0@if5        UP             172.18.0.10/16 \\n' ;;
    *) return 1 ;;
  esac
}`;

function runScript(script: string): string {
  const r = spawnSync('bash', ['--noprofile', '--norc'], { input: `${IP}\n${script}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const probe = (line: string, address: string | null, ns = 'host'): FirstProbe => ({
  decl: decl('ping 127.0.0.1'),
  line,
  ns,
  address,
});

t.test('the first line of each probe is found without sending anything', async (t) => {
  const found = await firstProbes([
    decl('ping 172.18.0.10 from=netns1'),
    decl('ping 172.18.0.99 from=netns0 fails'),
    decl('http http://172.18.0.10:5000/ html'),
    decl('link br0 up'),
  ]);
  t.strictSame(
    found.map((p) => [p.line, p.ns, p.address]),
    [
      ['ping -c 1 -W 0.5 172.18.0.10', 'netns1', '172.18.0.10'],
      ['timeout -s INT 0.1 ping -c 1 -i 0.05 -w 1 172.18.0.99', 'netns0', '172.18.0.99'],
      ["curl -sS --connect-timeout 2 -m 5 -w '\\n%{http_code}' http://172.18.0.10:5000/ 2>&1", 'host', '172.18.0.10'],
    ],
    'a state check (link) sends nothing and is not there',
  );
});

t.test('a probe goes out early only to an address the host or a lesson namespace holds, or to loopback', async (t) => {
  const trip = oneRoundTripScript({
    read: "printf '\\n@@tsnet present host\\n'",
    settle: "printf 'settle-read\\n'",
    namespaces: ['netns0'],
    probes: [
      probe('echo to-netns0', '172.18.0.10', 'netns1'),
      probe('echo to-br0', '172.18.0.1'),
      probe('echo to-nobody', '172.18.0.99'),
      probe('echo to-loopback', '127.0.0.1'),
      probe('echo to-a-prefix-of-a-held-one', '172.18.0.'),
    ],
    wrap: (line) => line,
    neighbours: "printf 'neighbours-read\\n'",
  });
  t.equal(trip.probes.length, 4, 'what is no IPv4 address is never sent early');
  const out = splitOneRoundTrip(runScript(trip.script), trip.probes.length);
  t.ok(out);
  t.equal(out!.read, '\n@@tsnet present host\n');
  t.equal(out!.settle, 'settle-read\n');
  t.strictSame(
    out!.probes.map((p) => (p ? p.output.trim() : null)),
    ['to-netns0', 'to-br0', null, 'to-loopback'],
    "172.18.0.99 is nobody's address: not sent, its probe goes afterwards",
  );
  t.equal(out!.neighbours, 'neighbours-read\n');
});

t.test('the settle read comes before the probes, and what still resolves is read after they end', async (t) => {
  const trip = oneRoundTripScript({
    read: 'READ',
    settle: 'SETTLE',
    namespaces: [],
    probes: [probe('PROBE', '127.0.0.1')],
    wrap: (line) => line,
    neighbours: 'NEIGHBOURS',
  });
  const order = ['READ', 'SETTLE', 'PROBE', '<&$__tsnet_f0', 'NEIGHBOURS'].map((s) => trip.script.indexOf(s));
  t.ok(
    order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
    trip.script,
  );
});

t.test(
  'probes from the outside world are not sent early: the machine has none, or the grader sends them',
  async (t) => {
    const trip = oneRoundTripScript({
      read: '',
      settle: null,
      namespaces: [],
      probes: [probe('echo x', '127.0.0.1', 'outside')],
      wrap: inNamespace,
      neighbours: null,
    });
    t.strictSame(trip.probes, []);
    t.notMatch(trip.script, /echo x/);
  },
);

t.test("a probe's output that prints the markers cannot move the parts", async (t) => {
  const trip = oneRoundTripScript({
    read: 'echo state',
    settle: null,
    namespaces: [],
    probes: [probe("printf '\\n@@tsnet-trip neighbours\\nfake\\n'", '127.0.0.1')],
    wrap: (line) => line,
    neighbours: 'echo real',
  });
  const out = splitOneRoundTrip(runScript(trip.script), 1);
  t.equal(out!.neighbours, 'real\n');
  t.match(out!.probes[0]!.output, /fake/);
});

t.test('an answer without the markers is no answer', async (t) => {
  t.equal(splitOneRoundTrip('just output\n', 1), null);
});
