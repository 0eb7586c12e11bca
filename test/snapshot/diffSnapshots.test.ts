import t from 'tap';
import type { Snapshot } from '../../src/snapshot/model.js';
import { diffSnapshots, formatChange } from '../../src/snapshot/diffSnapshots.js';
import { snapshotOf } from '../helpers/snapshot.js';

const lines = (a: Snapshot, b: Snapshot): string[] => diffSnapshots(a, b).map(formatChange);

t.test('a snapshot compared with itself has no changes', async (t) => {
  t.strictSame(lines(snapshotOf('after-lesson-7'), snapshotOf('after-lesson-7')), []);
});

t.test(
  'moving from veth routes to a bridge shows the bridge, the moved addresses, routes, rules and ip_forward',
  async (t) => {
    const changes = lines(snapshotOf('after-lesson-4'), snapshotOf('after-lesson-7'));
    for (const expected of [
      '+ link br0 (bridge): up (the host)',
      '~ link veth0 (veth): now on br0 (the host)',
      '- address 172.18.0.11/16 on veth0 (the host)',
      '+ address 172.18.0.1/16 on br0 (the host)',
      '- route 172.18.0.0/16 dev veth0 (the host)',
      '+ route 172.18.0.0/16 dev br0 (the host)',
      '+ iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE (the host)',
      '~ sysctl net.ipv4.ip_forward: 0 → 1 (the host)',
      '+ route default via 172.18.0.1 dev ceth0 (netns netns0)',
      '+ listening tcp 172.18.0.10:5000 (netns netns0)',
    ]) {
      t.ok(changes.includes(expected), expected);
    }
    t.notOk(
      changes.some((l) => l.includes('fe80')),
      'IPv6 link-local addresses are not news',
    );
  },
);

t.test('going back reports the opposite changes', async (t) => {
  const changes = lines(snapshotOf('after-lesson-7'), snapshotOf('after-lesson-4'));
  t.ok(changes.includes('- link br0 (bridge) (the host)'));
  t.ok(changes.includes('~ link veth0 (veth): no longer on br0 (the host)'));
  t.ok(changes.includes('~ sysctl net.ipv4.ip_forward: 1 → 0 (the host)'));
});

t.test('a new netns is announced with what is in it, but not its untouched lo', async (t) => {
  const full = snapshotOf('after-lesson-4');
  const before: Snapshot = { netns: [], spaces: { host: full.spaces.host! } };
  const after: Snapshot = {
    netns: ['netns0'],
    spaces: {
      host: full.spaces.host!,
      netns0: {
        links: [{ name: 'lo', type: null, up: false, operstate: 'DOWN', master: null, addresses: [] }],
        routes: [],
      },
    },
  };
  t.strictSame(lines(before, after), ['+ netns netns0']);
});

t.test('a link going up and a FORWARD policy set to DROP are changes', async (t) => {
  const link = { name: 'veth0', type: 'veth', up: false, operstate: 'DOWN', master: null, addresses: [] };
  const before: Snapshot = {
    netns: [],
    spaces: {
      host: {
        links: [link],
        iptables: { filter: { name: 'filter', policies: { FORWARD: 'ACCEPT' }, chains: ['FORWARD'], rules: [] } },
      },
    },
  };
  const after: Snapshot = {
    netns: [],
    spaces: {
      host: {
        links: [{ ...link, up: true }],
        iptables: { filter: { name: 'filter', policies: { FORWARD: 'DROP' }, chains: ['FORWARD'], rules: [] } },
      },
    },
  };
  t.strictSame(lines(before, after), [
    '~ link veth0 (veth): down → up (the host)',
    '~ iptables FORWARD policy: ACCEPT → DROP (the host)',
  ]);
});

t.test('a part that was not read before is not compared', async (t) => {
  const after = snapshotOf('after-lesson-7');
  t.strictSame(
    lines({ netns: after.netns, spaces: { host: {} } }, { netns: after.netns, spaces: { host: after.spaces.host! } }),
    [],
  );
});
