import { fileURLToPath } from 'node:url';
import t from 'tap';
import { diagnose, diagnosisNeeds, likelyHostAddress } from '../../src/judge/diagnose.js';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { lessonTopology } from '../../src/lesson/lessonTopology.js';
import { snapshotOf } from '../helpers/snapshot.js';

const topologyOf = async (arg: string) =>
  lessonTopology(
    (
      await resolveLesson(
        /^\d+$/.test(arg) ? arg : fileURLToPath(new URL(`../fixtures/lessons/${arg}/lesson.md`, import.meta.url)),
      )
    ).chain,
  );

t.test('a finished lab has nothing to diagnose, in either course', async (t) => {
  t.same(diagnose(snapshotOf('after-lesson-7'), await topologyOf('7'), '172.16.0.2'), []);
  t.same(diagnose(snapshotOf('web-bridge-two-uplinks'), await topologyOf('web-bridge'), '172.16.0.2'), []);
});

t.test('the two routes of lesson 4 are the lesson itself while there is no bridge', async (t) => {
  t.same(diagnose(snapshotOf('after-lesson-4'), await topologyOf('4'), '172.16.0.2'), []);
});

t.test(
  "with the lessons' bridge, routes of its subnet through other devices are named with the command that removes them",
  async (t) => {
    const s = snapshotOf('after-lesson-7');
    s.spaces.host!.routes!.push(
      { dst: '172.18.0.0/16', gateway: null, dev: 'veth0' },
      { dst: '172.18.0.0/16', gateway: null, dev: 'veth1' },
    );
    const causes = diagnose(s, await topologyOf('7'), '172.16.0.2');
    t.equal(causes.length, 1);
    t.match(causes[0]!.cause, /172\.18\.0\.0\/16 is also routed via veth0, veth1, not only via br0/);
    t.equal(causes[0]!.fix, 'ip route del 172.18.0.0/16 dev veth0; ip route del 172.18.0.0/16 dev veth1');
    t.equal(causes[0]!.blocking, false);
  },
);

t.test("a FORWARD policy of DROP that lets only Docker's bridge through names the lessons' own bridge", async (t) => {
  const causes = diagnose(snapshotOf('web-bridge-docker-forward'), await topologyOf('web-bridge'), '172.16.0.2');
  t.equal(causes.length, 1);
  t.match(causes[0]!.cause, /FORWARD policy of the host is DROP .* no rule lets br-web through/);
  t.equal(
    causes[0]!.fix,
    'iptables -I FORWARD -i br-web -j ACCEPT; iptables -I FORWARD -o br-web -j ACCEPT   (or: iptables -P FORWARD ACCEPT)',
  );
  t.notMatch(causes[0]!.fix, /docker0|br0 /, 'neither the other bridge nor the tutorial one');
});

t.test(
  'with br-web let through, the policy is blamed no more (the broken NAT is for the checks to name)',
  async (t) => {
    t.same(diagnose(snapshotOf('web-bridge-forward-fixed-nat-gone'), await topologyOf('web-bridge'), '172.16.0.2'), []);
  },
);

t.test('a rule only for replies (-o … conntrack) covers one direction: the other is still asked for', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces.host!.iptables!.filter = {
    name: 'filter',
    policies: { INPUT: 'ACCEPT', FORWARD: 'DROP', OUTPUT: 'ACCEPT' },
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
    rules: [
      {
        table: 'filter',
        chain: 'FORWARD',
        args: ['-o', 'br0', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
        line: '-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      },
    ],
  };
  t.match(diagnose(s, await topologyOf('7'), '172.16.0.2')[0]?.fix, /^iptables -I FORWARD -i br0 -j ACCEPT {3}\(or/);
});

t.test('a router namespace that forwards is read, and its own FORWARD policy named with a fix inside it', async (t) => {
  const topo = await topologyOf('false-negative');
  t.ok(diagnosisNeeds(topo).some((n) => n.ns === 'router' && n.part === 'iptables'));
  const s = snapshotOf('after-lesson-7');
  s.spaces.router = {
    iptables: {
      filter: { name: 'filter', policies: { FORWARD: 'DROP' }, chains: ['FORWARD'], rules: [] },
    },
  };
  const cause = diagnose(s, topo, '172.16.0.2').find((c) => c.cause.includes('netns router'));
  t.match(cause?.fix, /^nsenter --net=\/run\/netns\/router iptables -I FORWARD -i lan -j ACCEPT; /);
  t.match(cause?.fix, /-i wan -j ACCEPT/);
});

t.test('a host address that is not local blocks grading only where the lessons publish on it', async (t) => {
  const s = snapshotOf('after-lesson-7');
  t.equal(likelyHostAddress(s), '172.16.0.2');
  // Graded with --var host_ip=192.0.2.7, lesson 7 publishes its port on that address.
  const published = { ...(await topologyOf('7')), published: ['192.0.2.7'] };
  t.match(diagnose(s, published, '192.0.2.7'), [
    { blocking: true, cause: /192\.0\.2\.7 is not an address of this machine/, fix: /--var host_ip=172\.16\.0\.2/ },
  ]);
  t.same(diagnose(s, await topologyOf('6'), '192.0.2.7'), [], 'lesson 6 publishes nothing');
});

t.test('of two uplinks, the one with the default route is the likely host address', async (t) => {
  const s = snapshotOf('web-bridge-two-uplinks');
  t.ok(
    s.spaces.host!.links!.some((l) => l.name === 'wan2'),
    'the capture has the second uplink',
  );
  t.equal(likelyHostAddress(s), '172.16.0.2');
  s.spaces.host!.routes = s.spaces.host!.routes!.map((r) => (r.dst === 'default' ? { ...r, dev: 'wan2' } : r));
  t.equal(likelyHostAddress(s), '198.51.100.2');
});
