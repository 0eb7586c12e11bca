import { Graphviz } from '@hpcc-js/wasm-graphviz';
import t from 'tap';
import type { Snapshot } from '../../src/snapshot/model.js';
import { topologyOf, type Topology } from '../../src/snapshot/topology.js';
import { dotString, htmlText, topologyDot } from '../../src/snapshot/topologyDot.js';
import { snapshotOf } from '../helpers/snapshot.js';

/** The DOT line of one node, found by its id. */
const nodeLine = (dot: string, id: string): string =>
  dot.split('\n').find((l) => l.trim().startsWith(`${dotString(id)} [`)) ?? '';

t.test(
  'DOT strings escape quotes and backslashes, so a name cannot end the string or become a label escape',
  async (t) => {
    t.equal(dotString('plain'), '"plain"');
    t.equal(dotString('a"b'), '"a\\"b"');
    t.equal(dotString('x\\N'), '"x\\\\N"');
    t.equal(dotString('two\nlines'), '"two\\nlines"');
    t.equal(htmlText('<b>&"\''), '&lt;b&gt;&amp;&quot;&#39;');
    t.equal(htmlText('x\\N'), 'x\\\\N', 'Graphviz expands \\N in HTML labels too');
  },
);

t.test('the same network always gives the same DOT, whatever order the snapshot listed it in', async (t) => {
  const a = topologyDot(topologyOf(snapshotOf('after-lesson-7')));
  t.equal(topologyDot(topologyOf(snapshotOf('after-lesson-7'))), a);
  const shuffled = snapshotOf('after-lesson-7');
  shuffled.netns.reverse();
  shuffled.spaces = Object.fromEntries(Object.entries(shuffled.spaces).reverse());
  t.equal(topologyDot(topologyOf(shuffled)), a);
});

t.test(
  'after lesson 7: clusters, veth pairs, bridge ports, NAT and the published port to the listening socket',
  async (t) => {
    const dot = topologyDot(topologyOf(snapshotOf('after-lesson-7')), 'network of lab:default');
    t.match(dot, /^digraph network \{/);
    t.match(dot, /label="network of lab:default"/);
    for (const label of ['<<B>host</B>', '<<B>outside world</B>', '<<B>netns0</B>', '<<B>netns1</B>'])
      t.ok(dot.includes(`label=${label}`), `a cluster labelled ${label}`);
    t.match(dot, /label=<<B>host<\/B>.*ip_forward=1: routes between its interfaces/);
    t.match(nodeLine(dot, 'if:host:eth0'), /172\.16\.0\.2\/24.*default via 172\.16\.0\.1/);
    t.match(nodeLine(dot, 'if:host:br0'), /peripheries=2.*172\.18\.0\.1\/16/);
    t.match(nodeLine(dot, 'if:netns0:ceth0'), /172\.18\.0\.10\/16.*veth, up.*default via 172\.18\.0\.1/);
    t.notOk(nodeLine(dot, 'if:host:eth0').includes('fe80:'), 'link-local addresses are left out');
    t.equal(nodeLine(dot, 'if:host:lo'), '', 'a plain lo is not drawn');
    t.match(nodeLine(dot, 'if:outside:lo'), /203\.0\.113\.1\/32/, 'a lo with an address of its own is');
    t.ok(dot.includes('"if:outside:eth0" -> "if:host:eth0" [dir=none'), 'the uplink pair, outside first');
    t.ok(dot.includes('"if:host:veth0" -> "if:netns0:ceth0" [dir=none'));
    t.ok(dot.includes('"if:host:veth1" -> "if:netns1:ceth1" [dir=none'));
    t.ok(dot.includes('"if:host:br0" -> "if:host:veth0"'), 'bridge port');
    t.ok(dot.includes('"if:host:br0" -> "if:host:veth1"'));
    t.match(dot, /"nat:host:0" \[shape=note.*MASQUERADE.*from 172\.18\.0\.0\/16.*any interface but br0/);
    t.ok(dot.includes('"nat:host:0" -> "if:host:eth0"'), 'the masquerade applies where the default route leaves');
    t.match(
      dot,
      /"if:host:eth0" -> "listen:netns0:tcp:172\.18\.0\.10:5000" \[.*published port \(DNAT\)\\n {2}tcp 172\.16\.0\.2:5000\\n {2}→ 172\.18\.0\.10:5000\\n {2}\(OUTPUT, PREROUTING\)/,
    );
    t.ok(
      dot.includes('"if:host:eth0" -> "if:host:br0" [dir=none, style=dotted'),
      'ip_forward=1 routes from the uplink to the bridge',
    );
  },
);

t.test('after lesson 4, with ip_forward=0, the routing edges are there for the layout but not drawn', async (t) => {
  const dot = topologyDot(topologyOf(snapshotOf('after-lesson-4')));
  t.ok(dot.includes('"if:host:eth0" -> "if:host:veth0" [dir=none, style=invis]'));
  t.notOk(dot.includes('routed (ip_forward=1)'));
  t.match(nodeLine(dot, 'if:host:veth0'), /172\.18\.0\.11\/16.*route 172\.18\.0\.0\/16/);
  t.match(nodeLine(dot, 'if:host:veth1'), /172\.18\.0\.21\/16.*route 172\.18\.0\.0\/16/);
  t.notOk(dot.includes('nat:'), 'no NAT yet');
});

t.test('state shows as colour and words: down, and up without carrier', async (t) => {
  const s = snapshotOf('after-lesson-7');
  const links = s.spaces['host']!.links!;
  links.find((l) => l.name === 'veth1')!.up = false;
  links.find((l) => l.name === 'veth0')!.operstate = 'LOWERLAYERDOWN';
  const dot = topologyDot(topologyOf(s));
  t.match(nodeLine(dot, 'if:host:veth1'), /fillcolor="#ffebee".*DOWN/);
  t.match(nodeLine(dot, 'if:host:veth0'), /fillcolor="#fff8e1".*no carrier/);
  t.match(nodeLine(dot, 'if:host:veth0'), /veth, up/);
  t.notMatch(nodeLine(dot, 'if:host:eth0'), /DOWN|no carrier/);
});

t.test('a published port with nothing listening points at the interface, dashed red, and says so', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces['netns0']!.listening = [];
  const dot = topologyDot(topologyOf(s));
  t.match(dot, /"if:host:eth0" -> "if:netns0:ceth0" \[color="#c62828".*style=dashed.*nothing listens there/);
  t.notOk(dot.includes('listen:'), 'no listener node');
});

function hostile(): Topology {
  const name = 'x"<y>&\\N\\';
  const s: Snapshot = {
    netns: ['we"ird'],
    netnsIds: { 'we"ird': 1 },
    spaces: {
      host: {
        links: [
          {
            name,
            type: 'veth',
            up: true,
            operstate: 'UP',
            master: null,
            addresses: [{ family: 'inet', local: '10.9.0.1', prefixlen: 24 }],
            ifindex: 3,
            peer: { ifindex: 2, netnsId: 1 },
          },
        ],
      },
      'we"ird': {
        links: [
          {
            name: 'c&d',
            type: 'veth',
            up: false,
            operstate: 'DOWN',
            master: null,
            addresses: [],
            ifindex: 2,
            peer: { ifindex: 3, netnsId: 0 },
          },
        ],
      },
    },
  };
  return topologyOf(s);
}

t.test('names with quotes, angle brackets, ampersands and backslashes come out literally in the picture', async (t) => {
  const dot = topologyDot(hostile(), 'a "title"');
  const graphviz = await Graphviz.load();
  const svg = graphviz.dot(dot);
  t.ok(
    svg.includes('<title>if:host:x&quot;&lt;y&gt;&amp;\\\\N\\\\&#45;&gt;if:we&quot;ird:c&amp;d</title>'),
    'the pair is one edge between the two (Graphviz keeps a doubled \\ in ids)',
  );
  t.ok(svg.includes('>x&quot;&lt;y&gt;&amp;\\N\\</text>'), 'the label shows the name itself, not a label escape');
  t.ok(svg.includes('>c&amp;d</text>'));
  t.ok(svg.includes('>we&quot;ird</text>'), 'the netns name');
  t.ok(svg.includes('a &quot;title&quot;'));
});

t.test('every edge ends at a node that is drawn, even for ports published on loopback', async (t) => {
  const s = snapshotOf('after-lesson-7');
  const rules = s.spaces['host']!.iptables!['nat']!.rules;
  rules[0]!.args = [
    '-d',
    '127.0.0.1/32',
    '-p',
    'tcp',
    '-m',
    'tcp',
    '--dport',
    '8080',
    '-j',
    'DNAT',
    '--to-destination',
    '127.0.0.1:9999',
  ];
  rules[1]!.args = ['-p', 'udp', '-m', 'udp', '--dport', '53', '-j', 'DNAT', '--to-destination', '172.18.0.20:53'];
  const dot = topologyDot(topologyOf(s));
  const declared = new Set([...dot.matchAll(/^ +("(?:[^"\\]|\\.)*") \[/gm)].map((m) => m[1]));
  const ends = [...dot.matchAll(/^ +("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")/gm)].flatMap((m) => [m[1], m[2]]);
  t.ok(ends.length > 10);
  for (const e of ends) t.ok(declared.has(e), `${e} is declared`);
  t.match(
    dot,
    /"pub:host:1" \[shape=cds.*label="udp \*:53"\]/,
    'a port published on any address has a node of its own',
  );
});

/** The cluster label of namespace `ns` in the DOT of `snapshot`. */
const clusterOf = (snapshot: Snapshot, ns: string): string =>
  /label=(<<B>[^\n]*)/.exec(
    topologyDot(topologyOf(snapshot))
      .split('\n')
      .find((l) => l.includes(`label=<<B>${ns}</B>`)) ?? '',
  )?.[1] ?? '';

t.test('a namespace that routes is drawn as a router, not as a container', async (t) => {
  t.match(clusterOf(snapshotOf('after-lesson-7'), 'netns1'), /network namespace \(a container\)/);
  const forwarding = snapshotOf('after-lesson-7');
  forwarding.spaces.netns1!.sysctl = { 'net.ipv4.ip_forward': '1' };
  t.notMatch(clusterOf(forwarding, 'netns1'), /container/, 'ip_forward=1');
  t.match(clusterOf(forwarding, 'netns1'), /network namespace \(a router\)/);
  // ip_forward not readable (a pid: target's sandbox), but on two networks with a route through each.
  const between = snapshotOf('after-lesson-7');
  const netns1 = between.spaces.netns1!;
  delete netns1.sysctl;
  netns1.links = [
    ...netns1.links!,
    {
      name: 'eth1',
      type: 'veth',
      up: true,
      operstate: 'UP',
      master: null,
      addresses: [{ family: 'inet', local: '10.9.0.1', prefixlen: 24 }],
    },
  ];
  netns1.routes = [...netns1.routes!, { dst: '10.9.0.0/24', gateway: null, dev: 'eth1' }];
  t.match(clusterOf(between, 'netns1'), /network namespace \(a router\)/, 'routes between two subnets');
  // Explicitly not forwarding: on two networks, it still only ends traffic, as a container does.
  netns1.sysctl = { 'net.ipv4.ip_forward': '0' };
  t.match(clusterOf(between, 'netns1'), /network namespace \(a container\)/, 'ip_forward=0');
});
