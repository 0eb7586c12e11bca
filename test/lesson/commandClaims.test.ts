import { fileURLToPath } from 'node:url';
import t from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { claimsOf, commandClaims } from '../../src/lesson/commandClaims.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/lessons/${name}/lesson.md`, import.meta.url));
const sources = (lines: string[], netns: string | null = null) =>
  lines.map((line, i) => ({
    lesson: 'l',
    step: i + 1,
    command: { line, context: netns ? { netns, opener: '' } : null, background: null },
  }));
const checks = (lines: string[], netns: string | null = null): string[] =>
  claimsOf(sources(lines, netns)).map((c) => c.decl.source);

t.test(
  "lesson 7's chain leaves claims no check of it names, each with the command and step that made it",
  async (t) => {
    const claims = commandClaims((await resolveLesson('7')).chain);
    const ceth0 = claims.find((c) => c.decl.source === 'link ceth0 in=netns0 up');
    t.match(ceth0, { lesson: 'lesson-5', step: 5, line: 'ip link set ceth0 up', ns: 'netns0' });
    t.ok(
      claims.some((c) => c.decl.source === 'link ceth0 in=netns0 type=veth'),
      'moved into netns0 by `ip link set … netns`',
    );
    t.ok(claims.some((c) => c.decl.source === 'route default via=172.18.0.1 in=netns1'));
    t.ok(claims.some((c) => c.decl.source === 'rule nat POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE'));
    t.ok(claims.some((c) => c.decl.source === 'sysctl net.ipv4.ip_forward=1'));
    t.ok(
      claims.some((c) => c.decl.source === 'listening tcp *:5000 in=netns0'),
      'a server the step waits for',
    );
    t.notOk(
      claims.some((c) => c.decl.source.startsWith('link ceth0 type=')),
      'ceth0 no longer is in the host',
    );
  },
);

t.test('claims follow `ip -n NS`, `ip netns exec NS` and a veth peer created in another namespace', async (t) => {
  const claims = commandClaims((await resolveLesson(fixture('false-negative'))).chain).map((c) => c.decl.source);
  t.ok(claims.includes('link eth0 in=red type=veth'), 'peer name eth0 netns red');
  t.ok(claims.includes('addr 10.20.1.2/24 dev=eth0 in=red'), 'ip -n red addr add');
  t.ok(claims.includes('link wan in=router type=veth'), 'ip -n router link add');
  t.ok(claims.includes('link eth0 in=blue type=veth'));
  t.ok(claims.includes('sysctl net.ipv4.conf.lan.proxy_arp=1 in=router'), 'every pair of sysctl -w');
  t.ok(claims.includes('route 10.20.2.0/24 dev=eth0 in=red'));
});

t.test('a later command undoes an earlier claim: down, delete, -D, a namespace deleted', async (t) => {
  t.strictSame(checks(['ip link set br-web up', 'ip link set br-web down']), ['link br-web down']);
  t.strictSame(checks(['ip link add br-web type bridge', 'ip link set br-web up', 'ip link del br-web']), []);
  t.strictSame(
    checks([
      'iptables -t nat -A POSTROUTING -s 10.1.0.0/24 -j MASQUERADE',
      'iptables -t nat -D POSTROUTING -s 10.1.0.0/24 -j MASQUERADE',
    ]),
    [],
  );
  t.strictSame(
    checks(['ip netns add red', 'ip link add v type veth peer name eth0 netns red', 'ip netns delete red']),
    [],
    'the namespace goes with its links, and a veth never survives its peer',
  );
  t.strictSame(checks(['ip addr add 10.1.0.1/24 dev br-web', 'ip addr del 10.1.0.1/24 dev br-web']), []);
  t.strictSame(checks(['ip route add 10.2.0.0/24 via 10.1.0.254', 'ip route del 10.2.0.0/24']), []);
});

t.test('a link moved to another namespace arrives down, off its bridge, with its type', async (t) => {
  t.strictSame(
    checks(['ip link add veth9 type veth peer name ceth9', 'ip link set ceth9 up', 'ip link set ceth9 netns red']),
    ['link veth9 type=veth', 'link ceth9 in=red type=veth'],
  );
});

t.test('a context names the namespace of the lines inside it; -I and its position are read', async (t) => {
  t.strictSame(checks(['ip link set eth0 up', 'iptables -I FORWARD 1 -i lan -j ACCEPT'], 'router'), [
    'link eth0 in=router up',
    'rule filter FORWARD -i lan -j ACCEPT in=router',
  ]);
});

t.test('commands that only read, or that no claim can describe, claim nothing', async (t) => {
  t.strictSame(checks(['ip link show', 'ping -c 1 10.1.0.1', 'iptables -t nat -S', 'iptables -P FORWARD DROP']), []);
});
