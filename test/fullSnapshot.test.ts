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
