import t from 'tap';
import { parseIptablesSave } from '../../src/snapshot/iptablesSave.js';
import { emptyRecord, finishPending, isEmptyRecord, mergeRun, summarizeRecord } from '../../src/host/hostRecord.js';
import { clean, done, withHost } from '../helpers/hostSnapshots.js';

t.test(
  'a run of lessons 5 to 7 records its namespaces, links, rules, the nat table and the original ip_forward',
  async (t) => {
    const r = mergeRun(emptyRecord(), clean, done);
    t.strictSame([...r.netns].sort(), ['netns0', 'netns1']);
    t.strictSame(
      r.links.map((l) => `${l.name}:${l.type}`),
      ['br0:bridge', 'veth0:veth', 'veth1:veth'],
    );
    t.ok(
      r.links.every((l) => typeof l.ifindex === 'number'),
      'with the ifindex that tells them from a namesake',
    );
    t.strictSame(
      r.rules.map((x) => `${x.table} ${x.line}`),
      [
        'nat -A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
        'nat -A OUTPUT -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
        'nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
      ],
    );
    t.strictSame(r.tables, ['nat']);
    t.strictSame(r.sysctls, [{ key: 'net.ipv4.ip_forward', original: '0' }]);
    t.strictSame(r.addresses, [], "br0's address goes with br0");
    t.strictSame(r.routes, [], "and so does br0's route");
    t.strictSame(r.linkStates, []);
    t.notOk(isEmptyRecord(r));
  },
);

t.test('a second run that changes nothing changes nothing in the record', async (t) => {
  const r = mergeRun(emptyRecord(), clean, done);
  t.strictSame(mergeRun(r, done, done), r);
});

t.test('a rule added twice is recorded twice, so reset deletes both copies', async (t) => {
  const r = mergeRun(emptyRecord(), clean, done);
  const twice = withHost(done, (h) => h.iptables!.nat!.rules.push({ ...h.iptables!.nat!.rules[2]! }));
  t.equal(mergeRun(r, done, twice).rules.filter((x) => /MASQUERADE/.test(x.line)).length, 2);
});

t.test('what a later run removes leaves the record (lesson 5 deletes and recreates)', async (t) => {
  const r = mergeRun(emptyRecord(), clean, done);
  const back = mergeRun(r, done, clean);
  t.ok(isEmptyRecord(back), JSON.stringify(back));
  const remade = withHost(done, (h) => (h.links!.find((l) => l.name === 'br0')!.ifindex = 99));
  t.equal(
    mergeRun(r, done, remade).links.find((l) => l.name === 'br0')?.ifindex,
    99,
    'a link deleted and made again in a run is recorded anew',
  );
});

t.test('changes to what the user had keep its original state, the first one seen', async (t) => {
  const before = withHost(
    clean,
    (h) => (h.iptables = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\nCOMMIT\n')),
  );
  const after = withHost(before, (h) => {
    const eth0 = h.links!.find((l) => l.name === 'eth0')!;
    eth0.up = false;
    eth0.addresses.push({ family: 'inet', local: '10.9.0.1', prefixlen: 24 });
    h.routes!.push({ dst: '10.9.0.0/24', gateway: null, dev: 'eth0' });
    h.iptables!.filter!.policies.FORWARD = 'DROP';
    h.sysctl!['net.ipv4.ip_forward'] = '1';
  });
  const r = mergeRun(emptyRecord(), before, after);
  t.strictSame(r.linkStates, [{ name: 'eth0', up: true, master: null }]);
  t.strictSame(r.addresses, [{ dev: 'eth0', local: '10.9.0.1', prefixlen: 24 }]);
  t.strictSame(r.routes, [{ dst: '10.9.0.0/24', gateway: null, dev: 'eth0' }]);
  t.strictSame(r.policies, [{ table: 'filter', chain: 'FORWARD', original: 'ACCEPT' }]);
  t.strictSame(r.tables, [], 'the filter table was there before');
  // Another run changes ip_forward again: what to restore is still the value before the first.
  const again = mergeRun(
    r,
    withHost(after, (h) => (h.sysctl!['net.ipv4.ip_forward'] = '2')),
    withHost(after, (h) => (h.sysctl!['net.ipv4.ip_forward'] = '1')),
  );
  t.strictSame(again.sysctls, [{ key: 'net.ipv4.ip_forward', original: '0' }]);
  // Put back as it was by a run: nothing left to restore.
  t.ok(isEmptyRecord(mergeRun(r, after, before)));
});

t.test('finishing a pending run adds the directories it made that exist, and the lesson', async (t) => {
  const pending = {
    ...emptyRecord(),
    pending: {
      pid: 1,
      startTime: '1',
      lesson: 'lesson-7',
      startedAt: '',
      before: clean,
      sysctls: [],
      newDirs: [
        { path: '/run/x/jobs', withContents: true },
        { path: '/run/x', withContents: false },
      ],
    },
  };
  const r = finishPending(pending, done, ['/run/x/jobs']);
  t.equal(r.pending, null);
  t.strictSame(r.dirs, [{ path: '/run/x/jobs', withContents: true }]);
  t.strictSame(r.lessons, ['lesson-7']);
  t.equal(r.links.length, 3);
  t.ok(isEmptyRecord(finishPending({ ...pending }, clean, [])), 'a run that changed nothing leaves nothing to undo');
});

t.test('the summary names what is recorded, kind by kind', async (t) => {
  const lines = summarizeRecord(mergeRun(emptyRecord(), clean, done));
  t.ok(lines.includes('3 links (br0, veth0, veth1)'));
  t.ok(lines.includes('1 sysctl (net.ipv4.ip_forward was 0)'));
  t.ok(lines.some((l) => l.startsWith('3 iptables rules')));
});
