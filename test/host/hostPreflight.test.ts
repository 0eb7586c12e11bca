import t from 'tap';
import { parseIptablesSave } from '../../src/snapshot/iptablesSave.js';
import type { Snapshot } from '../../src/snapshot/model.js';
import { resolveLesson } from '../../src/lesson/catalog.js';
import { chainFootprint } from '../../src/lesson/chainFootprint.js';
import { lessonOf } from '../helpers/lessonOf.js';
import type { HostFacts } from '../../src/host/hostFacts.js';
import { formatConflicts, hostConflicts } from '../../src/host/hostPreflight.js';
import { emptyRecord, mergeRun } from '../../src/host/hostRecord.js';
import { clean, done, withHost } from '../helpers/hostSnapshots.js';

const facts: HostFacts = { backend: 'nf_tables', other: null, netnsError: null, missing: [] };
const fp = chainFootprint((await resolveLesson('7')).chain);

t.test('a clean machine has no conflicts', async (t) => {
  t.strictSame(hostConflicts(fp, clean, facts, emptyRecord()), []);
});

t.test('what the tutorial left behind, made by hand, is named piece by piece', async (t) => {
  const found = hostConflicts(fp, done, facts, emptyRecord()).map((c) => c.found);
  for (const name of ['netns0', 'netns1'])
    t.ok(
      found.some((f) => f.startsWith(`a network namespace named ${name} already exists`)),
      name,
    );
  for (const name of ['br0', 'veth0', 'veth1'])
    t.ok(
      found.some((f) => f.startsWith(`a link named ${name} already exists`)),
      name,
    );
  t.notOk(
    found.some((f) => /ceth0/.test(f)),
    'ceth0 lives in netns0, not on the host',
  );
  t.ok(found.includes('172.18.0.0/16 is already in use here: route 172.18.0.0/16 dev br0'));
});

/** The footprint of a one-step lesson made of these lines, run on the host. */
const footprintOf = (...lines: string[]) => chainFootprint([lessonOf(lines)]);

t.test("a link created inside a namespace is no conflict with the host's link of that name", async (t) => {
  const found = (...lines: string[]): string[] =>
    hostConflicts(footprintOf('ip netns add red', ...lines), clean, facts, emptyRecord()).map((c) => c.found);
  t.ok(
    clean.spaces.host!.links!.some((l) => l.name === 'eth0'),
    'this machine has an eth0',
  );
  t.strictSame(found('ip link add vred type veth peer name eth0 netns red'), [], 'the peer is made in red');
  t.strictSame(found('ip -n red link add eth0 type dummy'), [], 'ip -n red makes it in red');
  t.strictSame(found('ip link add eth0 netns red type veth peer name vhost'), [], 'the link is made in red');
  t.strictSame(found('ip netns exec red ip link add eth0 type dummy'), []);
  t.match(
    found('ip link add vred type veth peer name eth0'),
    [/^a link named eth0 already exists/],
    'made on the host, it is a conflict',
  );
  t.match(
    found('ip link add eth0 netns red type veth peer name eth0'),
    [/^a link named eth0 already exists/],
    'the peer of a link sent to red stays on the host',
  );
});

t.test('what an earlier host run made and recorded is no conflict: running twice works', async (t) => {
  const record = mergeRun(emptyRecord(), clean, done);
  t.strictSame(hostConflicts(fp, done, facts, record), []);
});

t.test('a link made again since it was recorded is not ours any more', async (t) => {
  const record = mergeRun(emptyRecord(), clean, done);
  const remade = withHost(done, (h) => {
    h.links!.find((l) => l.name === 'br0')!.ifindex = 99;
  });
  const found = hostConflicts(fp, remade, facts, record).map((c) => c.found);
  t.ok(found.some((f) => f.startsWith('a link named br0 already exists')));
  t.ok(found.includes('172.18.0.0/16 is already in use here: route 172.18.0.0/16 dev br0'), 'nor is its route');
});

t.test('a Docker network on 172.18.0.0/16 is found by its route, with the commands to remove it', async (t) => {
  const docker = withHost(clean, (h) => {
    h.links!.push({
      name: 'br-1a2b',
      type: 'bridge',
      up: true,
      operstate: 'UP',
      master: null,
      addresses: [{ family: 'inet', local: '172.18.0.1', prefixlen: 16 }],
    });
    h.routes!.push({ dst: '172.18.0.0/16', gateway: null, dev: 'br-1a2b' });
  });
  const [c, ...rest] = hostConflicts(fp, docker, facts, emptyRecord());
  t.strictSame(rest, []);
  t.equal(c?.found, '172.18.0.0/16 is already in use here: route 172.18.0.0/16 dev br-1a2b');
  t.match(c?.fix, /docker network rm/);
  t.match(c?.fix, /`ip route del 172\.18\.0\.0\/16 dev br-1a2b` or `ip link delete br-1a2b`/);
});

t.test('only routes that overlap the subnet count, wider or narrower, but not the default route', async (t) => {
  const routes = (dst: string): number =>
    hostConflicts(
      fp,
      withHost(clean, (h) => h.routes!.push({ dst, gateway: '172.16.0.1', dev: 'eth0' })),
      facts,
      emptyRecord(),
    ).length;
  t.equal(routes('172.16.0.0/12'), 1, 'a wider route');
  t.equal(routes('172.18.5.0/24'), 1, 'a narrower route');
  t.equal(routes('10.0.0.0/8'), 0);
  t.equal(routes('default'), 0);
});

t.test('an address in the subnet without a route of its own is found too', async (t) => {
  const s = withHost(clean, (h) =>
    h.links!.find((l) => l.name === 'eth0')!.addresses.push({ family: 'inet', local: '172.18.3.3', prefixlen: 32 }),
  );
  const [c] = hostConflicts(fp, s, facts, emptyRecord());
  t.equal(c?.found, '172.18.0.0/16 is already in use here: address 172.18.3.3/32 on eth0');
  t.match(c?.fix, /ip addr del 172\.18\.3\.3\/32 dev eth0/);
});

t.test('a FORWARD policy of DROP is a conflict, unless the bridge is let through both ways', async (t) => {
  const drop = (rules: string): Snapshot =>
    withHost(
      clean,
      (h) =>
        (h.iptables = parseIptablesSave(
          `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules}COMMIT\n`,
        )),
    );
  const [c] = hostConflicts(fp, drop(''), facts, emptyRecord());
  t.equal(c?.found, 'the iptables FORWARD policy is DROP (Docker and ufw set it so)');
  t.match(c?.fix, /iptables -I FORWARD -i br0 -j ACCEPT/);
  t.equal(
    hostConflicts(fp, drop('-A FORWARD -i br0 -j ACCEPT\n'), facts, emptyRecord()).length,
    1,
    'one way is not enough',
  );
  t.strictSame(
    hostConflicts(
      fp,
      drop('-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -i br0 -j ACCEPT\n'),
      facts,
      emptyRecord(),
    ),
    [],
  );
});

t.test('rules in the other iptables backend are a conflict, empty tables are not', async (t) => {
  const legacy = (text: string): HostFacts => ({
    ...facts,
    other: { backend: 'legacy', tables: parseIptablesSave(text) },
  });
  const [c] = hostConflicts(
    fp,
    clean,
    legacy('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n-A INPUT -s 192.0.2.1/32 -j ACCEPT\nCOMMIT\n'),
    emptyRecord(),
  );
  t.equal(
    c?.found,
    'iptables here is nf_tables, but iptables-legacy also holds 1 rule (first: `-A INPUT -s 192.0.2.1/32 -j ACCEPT`)',
  );
  t.match(c?.why, /kernel applies both/);
  const [p] = hostConflicts(
    fp,
    clean,
    legacy('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\nCOMMIT\n'),
    emptyRecord(),
  );
  t.match(p?.found, /filter FORWARD policy DROP/);
  t.strictSame(
    hostConflicts(fp, clean, legacy('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\nCOMMIT\n'), emptyRecord()),
    [],
  );
});

t.test('missing kernel features say which module to load', async (t) => {
  const probe = { feature: 'veth links', line: 'ip link add tsnet-probe1 type veth' };
  const nat = {
    feature: 'the iptables rule …',
    line: 'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
  };
  const found = hostConflicts(
    fp,
    clean,
    {
      ...facts,
      missing: [
        { probe, error: 'Error: Unknown device type.' },
        { probe: nat, error: 'No chain/target/match by that name.' },
      ],
    },
    emptyRecord(),
  );
  t.equal(found.length, 2);
  t.match(
    found[0]?.found,
    /cannot do veth links: `ip link add tsnet-probe1 type veth` fails in a scratch namespace \(Error: Unknown device type\.\)/,
  );
  t.match(found[0]?.fix, /modprobe veth/);
  t.match(found[1]?.fix, /modprobe nft_chain_nat/);
  const [n] = hostConflicts(
    fp,
    clean,
    { ...facts, netnsError: 'unshare: unshare failed: Operation not permitted' },
    emptyRecord(),
  );
  t.match(n?.found, /cannot create network namespaces \(unshare: unshare failed: Operation not permitted\)/);
});

t.test('each conflict reads as found, why it matters, what to do', async (t) => {
  const text = formatConflicts(hostConflicts(fp, done, facts, emptyRecord()));
  t.match(
    text,
    /^1\. Found: a network namespace named netns0 already exists, and tsnet-learn did not create it\.\n {3}Why it matters: lesson-5 creates it \(`ip netns add netns0`\)/,
  );
  t.match(text, /What to do: if it is left over from an earlier try at the tutorial, delete it: `ip link delete br0`/);
});
