import t from 'tap';
import { fullNeeds } from '../src/fullSnapshot.js';

t.test('a full snapshot reads every part of the host, the outside and each netns', async (t) => {
  const needs = fullNeeds(['netns0'], true);
  t.ok(needs.some((n) => n.part === 'netns'));
  for (const ns of ['host', 'outside', 'netns0']) {
    for (const part of ['links', 'routes', 'iptables', 'listening', 'sysctl']) t.ok(needs.some((n) => n.ns === ns && n.part === part), `${part} of ${ns}`);
  }
});

t.test('without an outside world it reads none', async (t) => {
  t.notOk(fullNeeds([], false).some((n) => n.ns === 'outside'));
});

import { carryOver, namespacesTouched } from '../src/fullSnapshot.js';
import { snapshotOf } from './helpers/snapshot.js';

t.test('a step touches the netns its lines name or run in, and those it creates', async (t) => {
  const known = ['netns0', 'netns1'];
  t.strictSame(namespacesTouched(['ip link set ceth0 netns netns0'], known), ['netns0']);
  t.strictSame(namespacesTouched(['nsenter --net=/run/netns/netns1 bash ip link set lo up'], known), ['netns1']);
  t.strictSame(namespacesTouched(['ip netns add netns2'], known), ['netns2']);
  t.strictSame(namespacesTouched(['iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE', 'ip netns list'], known), []);
});

t.test('what was not read again is carried over, part by part; a netns that is gone is dropped', async (t) => {
  const before = snapshotOf('after-lesson-7');
  const read = { netns: ['netns0'], netnsIds: {}, spaces: { host: { routes: [] }, netns0: null } };
  const after = carryOver(before, read);
  t.strictSame(after.spaces.host?.routes, [], 'the part read now wins');
  t.strictSame(after.spaces.host?.links, before.spaces.host?.links, 'the parts not read are the ones from before');
  t.equal(after.spaces.netns0, null, 'a netns read as missing is missing');
  t.notOk('netns1' in after.spaces, 'netns1 is no longer listed: dropped');
  t.strictSame(after.spaces.outside, before.spaces.outside);
});
