import t from 'tap';
import { topologyOf } from '../../src/snapshot/topology.js';
import { topologyText } from '../../src/snapshot/topologyText.js';
import { snapshotOf } from '../helpers/snapshot.js';

t.test(
  'after lesson 7 the summary names each end of each pair, the bridge ports, NAT and the published port',
  async (t) => {
    const lines = topologyText(topologyOf(snapshotOf('after-lesson-7'))).split('\n');
    t.equal(lines[0], 'host  ip_forward=1');
    t.ok(lines.includes('  eth0 (veth)  up  172.16.0.2/24  ↔ outside/eth0  default via 172.16.0.1'));
    t.ok(lines.includes('  br0 (bridge)  up  172.18.0.1/16  ports: veth0, veth1'));
    t.ok(lines.includes('  veth0 (veth)  up  ↔ netns0/ceth0  port of br0'));
    t.ok(lines.includes('  NAT MASQUERADE from 172.18.0.0/16 leaving by any interface but br0'));
    t.ok(lines.includes('  published tcp 172.16.0.2:5000 → 172.18.0.10:5000 (netns0/ceth0, listening)'));
    t.ok(lines.includes('  ceth0 (veth)  up  172.18.0.10/16  ↔ host/veth0  default via 172.18.0.1'));
    t.ok(lines.includes('  listening tcp 172.18.0.10:5000'));
    t.notOk(
      lines.some((l) => l.startsWith('  lo ') && !l.includes('203.0.113.1')),
      'a plain lo is left out',
    );
  },
);

t.test('a link that is down says so', async (t) => {
  const s = snapshotOf('after-lesson-4');
  s.spaces['netns1']!.links!.find((l) => l.name === 'ceth1')!.up = false;
  t.match(topologyText(topologyOf(s)), /\n {2}ceth1 \(veth\) {2}DOWN {2}172\.18\.0\.20\/16/);
});
