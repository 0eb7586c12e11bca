import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Snapshot } from '../../src/snapshot/model.js';
import { diagnose, DIAGNOSIS_NEEDS, likelyHostAddress } from '../../src/judge/diagnose.js';
import { parseSnapshotOutput } from '../../src/snapshot/snapshotScript.js';

const snap = (name: string): Snapshot =>
  parseSnapshotOutput(readFileSync(new URL(`../fixtures/snapshot/${name}`, import.meta.url), 'utf8'), DIAGNOSIS_NEEDS);

t.test('a finished lab has nothing to diagnose', async (t) => {
  t.same(diagnose(snap('after-lesson-7.txt'), '172.16.0.2'), []);
});

t.test('the two routes of lesson 4 are the lesson itself while there is no bridge', async (t) => {
  t.same(diagnose(snap('after-lesson-4.txt'), '172.16.0.2'), []);
});

t.test(
  'with a bridge, routes of 172.18.0.0/16 through other devices are named with the command that removes them',
  async (t) => {
    const s = snap('after-lesson-7.txt');
    s.spaces.host!.routes!.push(
      { dst: '172.18.0.0/16', gateway: null, dev: 'veth0' },
      { dst: '172.18.0.0/16', gateway: null, dev: 'veth1' },
    );
    const causes = diagnose(s, '172.16.0.2');
    t.equal(causes.length, 1);
    t.match(causes[0]!.cause, /172\.18\.0\.0\/16 is also routed via veth0, veth1/);
    t.equal(causes[0]!.fix, 'ip route del 172.18.0.0/16 dev veth0; ip route del 172.18.0.0/16 dev veth1');
    t.equal(causes[0]!.blocking, false);
  },
);

t.test('a FORWARD policy of DROP without ACCEPT rules for br0 is named', async (t) => {
  const s = snap('after-lesson-7.txt');
  s.spaces.host!.iptables!.filter = {
    name: 'filter',
    policies: { INPUT: 'ACCEPT', FORWARD: 'DROP', OUTPUT: 'ACCEPT' },
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
    rules: [],
  };
  t.match(diagnose(s, '172.16.0.2')[0], {
    cause: /FORWARD policy is DROP/,
    fix: /iptables -I FORWARD -i br0 -j ACCEPT/,
  });
  s.spaces.host!.iptables!.filter.rules.push({
    table: 'filter',
    chain: 'FORWARD',
    args: ['-i', 'br0', '-j', 'ACCEPT'],
    line: '-A FORWARD -i br0 -j ACCEPT',
  });
  t.same(diagnose(s, '172.16.0.2'), [], 'with ACCEPT rules for br0 the policy does no harm');
});

t.test('a host address that is not local blocks grading and the uplink address is suggested', async (t) => {
  const s = snap('after-lesson-7.txt');
  t.equal(likelyHostAddress(s), '172.16.0.2');
  t.match(diagnose(s, '192.0.2.7'), [
    { blocking: true, cause: /192\.0\.2\.7 is not an address of this machine/, fix: /--var host_ip=172\.16\.0\.2/ },
  ]);
});
