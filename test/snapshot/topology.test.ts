import t from 'tap';
import type { LinkState, Snapshot } from '../../src/snapshot/model.js';
import { topologyOf, type Topology } from '../../src/snapshot/topology.js';
import { snapshotOf } from '../helpers/snapshot.js';

const pairs = (topo: Topology): string[] =>
  topo.vethPairs.map((p) => `${p.a.ns}/${p.a.name} ↔ ${p.b ? `${p.b.ns}/${p.b.name}` : '?'}`);
const ns = (topo: Topology, name: string) => topo.namespaces.find((n) => n.name === name)!;

t.test('after lesson 7: the bridge, both veth pairs, the uplink, routes, NAT and the published port', async (t) => {
  const topo = topologyOf(snapshotOf('after-lesson-7'));
  t.same(
    topo.namespaces.map((n) => `${n.name}:${n.kind}`),
    ['host:host', 'outside:outside', 'netns0:netns', 'netns1:netns'],
    'host, outside, then the netns by name',
  );
  t.same(topo.bridges, [{ ns: 'host', name: 'br0', ports: ['veth0', 'veth1'] }]);
  t.same(
    pairs(topo),
    ['host/eth0 ↔ outside/eth0', 'host/veth0 ↔ netns0/ceth0', 'host/veth1 ↔ netns1/ceth1'],
    'each pair resolved across namespaces',
  );

  const eth0 = ns(topo, 'host').interfaces.find((i) => i.name === 'eth0')!;
  t.match(eth0, { type: 'veth', up: true, master: null });
  t.equal(eth0.addresses[0], '172.16.0.2/24', 'IPv4 first');
  t.same(ns(topo, 'netns0').interfaces.find((i) => i.name === 'ceth0')?.addresses[0], '172.18.0.10/16');
  t.same(ns(topo, 'netns1').interfaces.find((i) => i.name === 'ceth1')?.addresses[0], '172.18.0.20/16');

  t.same(
    ns(topo, 'host').routes.filter((r) => r.dst === 'default'),
    [{ dst: 'default', gateway: '172.16.0.1', dev: 'eth0' }],
  );
  for (const [n, dev] of [
    ['netns0', 'ceth0'],
    ['netns1', 'ceth1'],
  ] as const) {
    t.same(
      ns(topo, n).routes.filter((r) => r.dst === 'default'),
      [{ dst: 'default', gateway: '172.18.0.1', dev }],
      `${n} goes out through the bridge`,
    );
  }
  t.equal(ns(topo, 'host').ipForward, '1');
  t.equal(ns(topo, 'netns0').ipForward, '0');

  t.same(topo.nat, [
    {
      ns: 'host',
      target: 'MASQUERADE',
      source: '172.18.0.0/16',
      outInterface: 'br0',
      outNegated: true,
      toSource: null,
      line: '-A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    },
  ]);
  t.same(
    topo.published,
    [
      {
        ns: 'host',
        chains: ['PREROUTING', 'OUTPUT'],
        proto: 'tcp',
        address: '172.16.0.2',
        via: 'eth0',
        port: 5000,
        to: { address: '172.18.0.10', port: 5000 },
        target: { ns: 'netns0', interface: 'ceth0', listener: { proto: 'tcp', address: '172.18.0.10', port: 5000 } },
      },
    ],
    'the two DNAT rules are one published port, reaching the socket listening in netns0',
  );
});

t.test('after lesson 4: no bridge, two routes for the same /16, no NAT', async (t) => {
  const topo = topologyOf(snapshotOf('after-lesson-4'));
  t.same(topo.bridges, []);
  t.same(pairs(topo), ['host/eth0 ↔ outside/eth0', 'host/veth0 ↔ netns0/ceth0', 'host/veth1 ↔ netns1/ceth1']);
  t.same(
    ns(topo, 'host')
      .routes.filter((r) => r.dst === '172.18.0.0/16')
      .map((r) => r.dev),
    ['veth0', 'veth1'],
  );
  t.same(
    ns(topo, 'host').interfaces.find((i) => i.name === 'veth0')?.addresses[0],
    '172.18.0.11/16',
    'the host end has its own address in lesson 4',
  );
  t.same(
    ns(topo, 'netns0').routes.filter((r) => r.dst === 'default'),
    [],
    'no default route yet',
  );
  t.same(topo.nat, []);
  t.same(topo.published, []);
  t.equal(ns(topo, 'host').ipForward, '0');
});

t.test('veth ends pair by mutual ifindex when the netns ids are unknown', async (t) => {
  const s = snapshotOf('after-lesson-7');
  delete s.netnsIds;
  t.same(pairs(topologyOf(s)), ['host/eth0 ↔ outside/eth0', 'host/veth0 ↔ netns0/ceth0', 'host/veth1 ↔ netns1/ceth1']);
});

t.test('a peer in a namespace with no name here is left open, not guessed', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces['netns1'] = null;
  s.netns = ['netns0'];
  t.same(pairs(topologyOf(s)), ['host/eth0 ↔ outside/eth0', 'host/veth0 ↔ netns0/ceth0', 'host/veth1 ↔ ?']);
});

function veth(name: string, ifindex: number, peer: number, netnsId: number | null): LinkState {
  return {
    name,
    type: 'veth',
    up: true,
    operstate: 'UP',
    master: null,
    addresses: [],
    ifindex,
    peer: { ifindex: peer, netnsId },
  };
}

t.test('two equally good candidates for one end leave it unpaired', async (t) => {
  const s: Snapshot = {
    netns: ['a', 'b'],
    netnsIds: {},
    spaces: {
      host: { links: [veth('v', 2, 2, 7)] },
      a: { links: [veth('x', 2, 2, 0)] },
      b: { links: [veth('y', 2, 2, 0)] },
    },
  };
  const topo = topologyOf(s);
  t.same(
    pairs(topo).filter((p) => p.startsWith('host/')),
    ['host/v ↔ ?'],
  );
});

t.test('both ends in one namespace pair with each other', async (t) => {
  const s: Snapshot = { netns: [], spaces: { host: { links: [veth('b1', 5, 4, null), veth('a1', 4, 5, null)] } } };
  t.same(pairs(topologyOf(s)), ['host/a1 ↔ host/b1']);
});

t.test('a published port with nothing listening, or to an address no namespace has', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces['netns0']!.listening = [];
  t.same(topologyOf(s).published[0]?.target, { ns: 'netns0', interface: 'ceth0', listener: null });

  const wrong = snapshotOf('after-lesson-7');
  for (const r of wrong.spaces['host']!.iptables!['nat']!.rules)
    r.args = r.args.map((a) => a.replace('172.18.0.10:5000', '172.18.0.99:5000'));
  t.equal(topologyOf(wrong).published[0]?.target, null);
});

t.test('a DNAT without a port of its own keeps the matched one; a negated match is left out', async (t) => {
  const s = snapshotOf('after-lesson-7');
  const rules = s.spaces['host']!.iptables!['nat']!.rules;
  rules[0]!.args = ['-p', 'tcp', '-m', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', '172.18.0.20'];
  rules[1]!.args = [
    '!',
    '-d',
    '172.16.0.2/32',
    '-p',
    'tcp',
    '-m',
    'tcp',
    '--dport',
    '5000',
    '-j',
    'DNAT',
    '--to-destination',
    '172.18.0.10:5000',
  ];
  const published = topologyOf(s).published;
  t.equal(published.length, 1);
  t.match(published[0], {
    address: null,
    via: null,
    port: 8080,
    to: { address: '172.18.0.20', port: 8080 },
    target: { ns: 'netns1', interface: 'ceth1', listener: null },
  });
});

t.test('a port published to an address every namespace has (127.0.0.1) lands in its own namespace', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces['netns0']!.iptables = {
    nat: {
      name: 'nat',
      policies: {},
      chains: ['OUTPUT'],
      rules: [
        {
          table: 'nat',
          chain: 'OUTPUT',
          args: ['-p', 'tcp', '--dport', '80', '-j', 'DNAT', '--to-destination', '127.0.0.1:5000'],
          line: '',
        },
      ],
    },
  };
  const p = topologyOf(s).published.find((x) => x.ns === 'netns0');
  t.match(p?.target, { ns: 'netns0', interface: 'lo', listener: null });
});
