import t from 'tap';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { chainFootprint } from '../../src/lesson/chainFootprint.js';
import { commandOf as command, lessonOf as lesson } from '../helpers/lessonOf.js';

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

t.test(
  "a link created in another namespace is not the host's: netns NS on the link or on its peer, ip -n",
  async (t) => {
    const fp = chainFootprint([
      lesson([
        command('ip link add vred type veth peer name eth0 netns red'),
        command('ip -n blue link add vb0 type veth peer name vb1'),
        command('ip link add moved netns green type veth peer name stays'),
        command('ip link add dummy7 netns green type dummy'),
        command('ip link add name br9 netns green type bridge'),
        command('nsenter -t 4242 -n ip link add elsewhere type dummy'),
        command('timeout 5 ip link add here type dummy'),
      ]),
    ]);
    t.strictSame(
      fp.links.map((l) => `${l.name}:${l.type}`),
      ['vred:veth', 'stays:veth', 'here:dummy'],
      'a peer without netns goes where the command runs, wherever its link went',
    );
    t.strictSame(fp.bridges, [], 'nor is a bridge made there');
  },
);

t.test("sysctls are written by a redirection, tee or sysctl, and only the host's count", async (t) => {
  const fp = chainFootprint([
    lesson([
      command('echo 1 | tee /proc/sys/net/ipv4/conf/all/forwarding'),
      command('sysctl net.ipv4.ip_forward=1'),
      command('sysctl -w net/ipv4/conf/default/rp_filter=0 >/dev/null'),
      command('sysctl -p /etc/sysctl.conf'),
      command('ip netns exec red sysctl -w net.ipv4.ip_forward=1'),
      command('timeout 5 sh -c "echo 1" > /proc/sys/net/ipv4/ip_nonlocal_bind'),
    ]),
  ]);
  t.strictSame(fp.sysctls, [
    'net.ipv4.conf.all.forwarding',
    'net.ipv4.ip_forward',
    'net.ipv4.conf.default.rp_filter',
    'net.ipv4.ip_nonlocal_bind',
  ]);
});

t.test("the host's iptables rules are found behind wrappers and in lists, as the command alone", async (t) => {
  const fp = chainFootprint([
    lesson([
      command('timeout 5 iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE && echo done'),
      command('ip netns exec red iptables -A INPUT -j DROP'),
      command('iptables -I FORWARD -i b1 -j ACCEPT', 'red'),
      command('iptables -S'),
    ]),
  ]);
  t.strictSame(fp.iptables, ['iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE']);
});
