import t from 'tap';
import type { Snapshot } from '../../src/snapshot/model.js';
import { emptyRecord, mergeRun, type HostRecord } from '../../src/host/hostRecord.js';
import { resetPlan, type ResetState, type ResetStep } from '../../src/host/resetPlan.js';
import { clean, done, withHost } from '../helpers/hostSnapshots.js';

const server = {
  pid: 4242,
  startTime: '777',
  line: 'nsenter --net=/run/netns/netns0 python3 -m http.server --bind 172.18.0.10 5000',
};
const record: HostRecord = {
  ...mergeRun(emptyRecord(), clean, done),
  processes: [server],
  dirs: [{ path: '/run/tsnet-learn/jobs', withContents: true }],
};
const state = (over: Partial<ResetState> = {}): ResetState => ({
  snapshot: done,
  alive: [4242],
  netnsPids: { netns0: [4242, 4300] },
  backend: 'nf_tables',
  nft: true,
  existingDirs: ['/run/tsnet-learn/jobs'],
  ...over,
});
const show = (s: ResetStep): string =>
  s.kind === 'kill'
    ? `kill ${s.pid}`
    : s.kind === 'run'
      ? s.argv.join(' ')
      : s.kind === 'write'
        ? `write ${s.value} > ${s.file}`
        : `remove ${s.path}`;

t.test(
  'after lesson 7 the plan stops the servers, then deletes rules, links, namespaces, restores ip_forward, drops the emptied table',
  async (t) => {
    const plan = resetPlan(record, state());
    t.strictSame(plan.steps.map(show), [
      'kill 4242',
      'kill 4300',
      'iptables -t nat -D PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
      'iptables -t nat -D OUTPUT -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
      'iptables -t nat -D POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
      'ip link delete br0',
      'ip link delete veth0',
      'ip link delete veth1',
      ...record.netns.map((n) => `ip netns delete ${n}`),
      'write 0 > /proc/sys/net/ipv4/ip_forward',
      'nft delete table ip nat',
      'remove /run/tsnet-learn/jobs',
    ]);
    t.strictSame(plan.gone, []);
    t.strictSame(plan.kept, []);
    t.match(plan.steps[1]!.what, /process 4300, which runs inside netns0/);
  },
);

t.test('what is already gone is reported, not attempted', async (t) => {
  const partly = withHost(done, (h) => {
    h.links = h.links!.filter((l) => l.name !== 'veth1');
    h.iptables!.nat!.rules = h.iptables!.nat!.rules.filter((r) => r.chain !== 'OUTPUT');
    h.sysctl!['net.ipv4.ip_forward'] = '0';
  });
  const plan = resetPlan(
    record,
    state({ snapshot: { ...partly, netns: ['netns0'] }, alive: [], netnsPids: { netns0: [] }, existingDirs: [] }),
  );
  const steps = plan.steps.map(show);
  t.notOk(
    steps.some((s) => /veth1|OUTPUT|netns1|ip_forward|^kill|remove/.test(s)),
    steps.join('\n'),
  );
  t.ok(plan.gone.includes('link veth1'));
  t.ok(plan.gone.includes('network namespace netns1'));
  t.ok(plan.gone.some((g) => g.startsWith('iptables rule -t nat -A OUTPUT')));
  t.ok(
    plan.gone.some((g) => g.startsWith('process 4242 ')),
    'the server ended (or its pid now belongs to another process)',
  );
});

t.test('a namesake made since is left alone', async (t) => {
  const remade = withHost(done, (h) => (h.links!.find((l) => l.name === 'br0')!.ifindex = 99));
  const plan = resetPlan(record, state({ snapshot: remade }));
  t.notOk(plan.steps.some((s) => s.kind === 'run' && s.argv.join(' ') === 'ip link delete br0'));
  t.match(plan.kept, [/^link br0: made again since/]);
});

t.test(
  "the user's own copy of a rule and the user's rules in the same table stay, and so does the table",
  async (t) => {
    const mine = '-A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE';
    const withMine = withHost(done, (h) =>
      h.iptables!.nat!.rules.push({
        table: 'nat',
        chain: 'POSTROUTING',
        args: ['-s', '10.99.0.0/16', '-j', 'MASQUERADE'],
        line: mine,
      }),
    );
    const steps = resetPlan(record, state({ snapshot: withMine })).steps.map(show);
    t.notOk(steps.some((s) => s.includes('10.99.0.0/16')));
    t.notOk(steps.includes('nft delete table ip nat'), 'the table still holds a rule of the user');
  },
);

t.test('a rule recorded twice is deleted twice, but never more often than it is there', async (t) => {
  const masq = record.rules.find((r) => /MASQUERADE/.test(r.line))!;
  const twice = { ...record, rules: [...record.rules, masq] };
  const count = (s: Snapshot): number =>
    resetPlan(twice, state({ snapshot: s })).steps.filter((x) => x.kind === 'run' && x.argv.includes('MASQUERADE'))
      .length;
  t.equal(count(withHost(done, (h) => h.iptables!.nat!.rules.push({ ...h.iptables!.nat!.rules[2]! }))), 2);
  t.equal(count(done), 1);
});

t.test('the emptied table stays with the legacy backend or without nft', async (t) => {
  t.notOk(resetPlan(record, state({ backend: 'legacy' })).steps.some((s) => s.kind === 'run' && s.argv[0] === 'nft'));
  t.notOk(resetPlan(record, state({ nft: false })).steps.some((s) => s.kind === 'run' && s.argv[0] === 'nft'));
});

t.test("changes to the user's things are put back: link state, addresses, routes, policies", async (t) => {
  const r: HostRecord = {
    ...emptyRecord(),
    linkStates: [{ name: 'eth0', up: false, master: null }],
    addresses: [{ dev: 'eth0', local: '10.9.0.1', prefixlen: 24 }],
    routes: [{ dst: '10.9.0.0/24', gateway: null, dev: 'eth0' }],
    policies: [{ table: 'filter', chain: 'FORWARD', original: 'ACCEPT' }],
  };
  const now = withHost(clean, (h) => {
    h.links!.find((l) => l.name === 'eth0')!.addresses.push({ family: 'inet', local: '10.9.0.1', prefixlen: 24 });
    h.routes!.push({ dst: '10.9.0.0/24', gateway: null, dev: 'eth0' });
    h.iptables = { filter: { name: 'filter', policies: { FORWARD: 'DROP' }, chains: ['FORWARD'], rules: [] } };
  });
  t.strictSame(resetPlan(r, state({ snapshot: now })).steps.map(show), [
    'ip addr del 10.9.0.1/24 dev eth0',
    'ip route del 10.9.0.0/24 dev eth0',
    'ip link set dev eth0 down',
    'iptables -t filter -P FORWARD ACCEPT',
  ]);
});

t.test('an empty record plans nothing', async (t) => {
  t.strictSame(resetPlan(emptyRecord(), state()), { steps: [], gone: [], kept: [] });
});
