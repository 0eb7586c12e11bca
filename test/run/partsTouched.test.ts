import t from 'tap';
import type { Part } from '../../src/snapshot/model.js';
import type { Command } from '../../src/lesson/lesson.js';
import { partsTouched, touchedNeeds } from '../../src/run/partsTouched.js';
import { commandOf } from '../helpers/lessonOf.js';

/** Command lines as the parser gives them; `[netns0] line` runs inside a context opened in netns0. */
function commands(...lines: string[]): Command[] {
  return lines.map((text) => {
    const m = /^\[(\S+)\] (.*)$/.exec(text);
    return m ? commandOf(m[2]!, m[1]!) : commandOf(text);
  });
}

const known = ['netns0', 'netns1'];
const parts = (lines: string[], k = known): Record<string, Part[]> =>
  Object.fromEntries([...partsTouched(commands(...lines), k).parts].map(([ns, set]) => [ns, [...set].sort()]));

t.test('an address or a route changes the links and routes of the namespace it runs in, nothing else', async (t) => {
  t.strictSame(parts(['ip addr add 172.18.0.1/16 dev br0']), { host: ['links', 'routes'] });
  t.strictSame(parts(['nsenter --net=/run/netns/netns0 ip route add default via 172.18.0.1']), {
    netns0: ['links', 'routes'],
  });
  t.strictSame(parts(['[netns1] ip addr add 172.18.0.20/16 dev ceth1']), { netns1: ['links', 'routes'] });
  t.strictSame(parts(['ip -n netns0 route add default via 172.18.0.1']), { netns0: ['links', 'routes'] });
  t.strictSame(parts(['ip netns exec netns1 ip addr add 172.18.0.20/16 dev ceth1']), { netns1: ['links', 'routes'] });
});

t.test('a link added, moved or deleted re-reads every namespace, since a veth peer may be anywhere', async (t) => {
  const everywhere = { host: ['links', 'routes'], netns0: ['links', 'routes'], netns1: ['links', 'routes'] };
  t.strictSame(parts(['ip link delete veth0']), everywhere);
  t.strictSame(parts(['ip link set ceth0 netns netns0']), everywhere);
  t.strictSame(parts(['[netns0] ip link set lo up']), everywhere);
  t.strictSame(
    parts(['ip link set ceth2 netns netns2']),
    { ...everywhere, netns2: ['links', 'routes'] },
    'a netns named but not yet known',
  );
});

t.test('netns added are read, netns deleted take their veths peers along, and both change the list', async (t) => {
  const add = partsTouched(commands('ip netns add netns2'), known);
  t.ok(add.netnsList);
  t.strictSame([...add.parts.keys()], ['netns2']);
  const del = partsTouched(commands('ip netns delete netns0'), known);
  t.ok(del.netnsList);
  t.strictSame([...del.parts.keys()].sort(), ['host', 'netns0', 'netns1']);
  t.notOk(
    partsTouched(commands('ip addr add 172.18.0.1/16 dev br0'), known).netnsList,
    'an address does not change the list',
  );
});

t.test('a firewall rule changes only that namespace firewall; a sysctl write, its sysctls', async (t) => {
  t.strictSame(parts(['iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE']), {
    host: ['iptables'],
  });
  t.strictSame(parts(['[netns0] iptables -A INPUT -j DROP']), { netns0: ['iptables'] });
  t.strictSame(parts(['echo 1 > /proc/sys/net/ipv4/ip_forward']), { host: ['sysctl'] });
  t.strictSame(parts(['sysctl -w net.ipv4.conf.all.forwarding=1']), { host: ['sysctl'] });
  t.strictSame(
    touchedNeeds(partsTouched(commands('echo 1 > /proc/sys/net/ipv4/ip_forward'), known)),
    [{ ns: 'host', part: 'sysctl', key: 'net.ipv4.ip_forward' }],
    'the watched sysctls are the ones read',
  );
});

t.test('a server changes the listening sockets of its namespace', async (t) => {
  t.strictSame(parts(['nsenter --net=/run/netns/netns0 python3 -m http.server --bind 172.18.0.10 5000']), {
    netns0: ['listening'],
  });
});

t.test('lines that only look change nothing', async (t) => {
  t.strictSame(
    parts([
      'ip addr show',
      'ping -c 1 172.18.0.10',
      'curl 172.16.0.2:5000',
      'iptables -t nat -L -n',
      '[netns0] ip route',
    ]),
    {},
  );
  t.strictSame(parts(['nsenter --net=/run/netns/netns0 bash', 'exit']), {}, 'opening and closing a context');
});

t.test(
  'a command not understood reads all of the host and of every netns it names or runs in, and the list',
  async (t) => {
    const all = ['iptables', 'links', 'listening', 'routes', 'sysctl'];
    t.strictSame(parts(['./setup.sh netns1']), { host: all, netns1: all });
    t.strictSame(parts(['[netns0] some-tool --flag']), { host: all, netns0: all });
    t.strictSame(parts(["bash -c 'ip link add x type dummy; ip link set x netns /run/netns/netns9'"]), {
      host: all,
      netns9: all,
    });
    t.ok(partsTouched(commands('./setup.sh'), known).netnsList);
  },
);

t.test('each command of a list counts, wherever its wrappers run it', async (t) => {
  t.strictSame(parts(['ip addr add 172.18.0.1/16 dev br0 && iptables -A FORWARD -i br0 -j ACCEPT']), {
    host: ['iptables', 'links', 'routes'],
  });
  t.strictSame(parts(['timeout 5 ip netns exec netns1 iptables -A INPUT -j DROP']), { netns1: ['iptables'] });
  t.strictSame(parts(['echo 1 | tee /proc/sys/net/ipv4/ip_forward']), { host: ['sysctl'] });
  t.strictSame(parts(['iptables-save | grep MASQUERADE', 'ip -n netns0 route | head -1']), {}, 'filters only look');
  t.strictSame(parts(['ip netns exec netns0 python3 -m http.server 8080 &']), { netns0: ['listening'] });
  t.strictSame(parts(['ip addr add 10.0.0.1/24 dev br0 |']), { host: ['links', 'routes'] }, 'a pipe to nothing');
});

t.test('a namespace entered by pid is not known: all of it is read, as for a command not understood', async (t) => {
  const all = ['iptables', 'links', 'listening', 'routes', 'sysctl'];
  t.strictSame(parts(['nsenter -t 4242 -n ip addr add 10.0.0.1/24 dev eth0']), { host: all });
  t.ok(partsTouched(commands('nsenter -t 4242 -n iptables -F'), known).netnsList);
});
