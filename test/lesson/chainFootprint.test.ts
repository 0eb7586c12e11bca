import t from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { chainFootprint } from '../../src/lesson/chainFootprint.js';
import { parseCommandLine } from '../../src/core/commandLine.js';
import type { Command, Lesson } from '../../src/lesson/lesson.js';

const command = (line: string, netns: string | null = null): Command => ({
  line,
  parsed: parseCommandLine(line),
  context: netns ? { netns, opener: `nsenter --net=/run/netns/${netns} bash` } : null,
  role: 'run',
  mayFail: false,
  background: null,
  observes: false,
  position: { line: 1, column: 1 },
});
const lesson = (commands: Command[]): Lesson => ({
  id: 'l',
  title: 'l',
  prerequisites: [],
  summary: '',
  file: 'l.md',
  steps: [{ index: 1, title: 's', prose: '', kind: 'change', checks: [], position: { line: 1, column: 1 }, commands }],
});

t.test(
  "lesson 7's chain would create netns0/1, br0 and both veth pairs, use 172.18.0.0/16 and write ip_forward",
  async (t) => {
    const fp = chainFootprint((await resolveLesson('7')).chain);
    t.strictSame(
      fp.netns.map((n) => n.name),
      ['netns0', 'netns1'],
    );
    t.strictSame(
      fp.netns[0],
      { name: 'netns0', lesson: 'lesson-5', line: 'ip netns add netns0' },
      'with the lesson and line that creates it',
    );
    t.strictSame(
      fp.links.map((l) => `${l.name}:${l.type}`),
      ['br0:bridge', 'veth0:veth', 'ceth0:veth', 'veth1:veth', 'ceth1:veth'],
    );
    t.strictSame(fp.bridges, ['br0']);
    t.strictSame(fp.subnets, ['172.18.0.0/16']);
    t.strictSame(fp.sysctls, ['net.ipv4.ip_forward']);
    t.equal(fp.iptables.length, 3, 'the MASQUERADE and both DNAT rules');
    t.match(fp.iptables[0], /MASQUERADE/);
  },
);

t.test("lesson 4's chain needs no bridge", async (t) => {
  const fp = chainFootprint((await resolveLesson('4')).chain);
  t.strictSame(
    fp.links.map((l) => l.name),
    ['veth0', 'ceth0', 'veth1', 'ceth1'],
  );
  t.strictSame(fp.bridges, []);
  t.strictSame(fp.iptables, []);
});

t.test('the other spellings of ip link add are understood', async (t) => {
  const fp = chainFootprint([
    lesson([
      command('ip link add name d0 type dummy'),
      command('ip link add link eth0 name mv0 type macvlan mode bridge'),
      command('ip link add v0 type veth peer v1'),
      command('ip link add dev b1 type bridge'),
      command('sysctl -w net.ipv4.conf.all.rp_filter=0'),
      command('ip a add 10.9.0.1/24 dev d0'),
    ]),
  ]);
  t.strictSame(
    fp.links.map((l) => `${l.name}:${l.type}`),
    ['d0:dummy', 'mv0:macvlan', 'v0:veth', 'v1:veth', 'b1:bridge'],
  );
  t.strictSame(fp.sysctls, ['net.ipv4.conf.all.rp_filter']);
  t.strictSame(fp.subnets, ['10.9.0.0/24']);
});

t.test('what happens inside a namespace cannot collide with the host', async (t) => {
  const fp = chainFootprint([
    lesson([
      command('ip link add inner0 type dummy', 'netns0'),
      command('nsenter --net=/run/netns/netns0 ip link add inner1 type dummy'),
      command('echo 1 > /proc/sys/net/ipv4/ip_forward', 'netns0'),
      command('ip addr add 10.1.2.3/32 dev lo'),
    ]),
  ]);
  t.strictSame(fp.links, []);
  t.strictSame(fp.sysctls, [], "a namespace's own sysctl is not the host's");
  t.strictSame(fp.subnets, [], 'a single address is no subnet');
});
