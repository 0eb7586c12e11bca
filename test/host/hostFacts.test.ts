import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Footprint } from '../../src/lesson/chainFootprint.js';
import { backendOf, featureProbes, hostFactsScript, parseHostFacts } from '../../src/host/hostFacts.js';

// The footprint the fixtures were captured with (test/fixtures/hostFacts/): real output of hostFactsScript on
// this kernel, which has veth and bridges but no dummy links, in a fresh netns, with and without legacy rules.
const fp: Footprint = {
  netns: [],
  subnets: [],
  bridges: ['br0'],
  links: [
    { name: 'br0', type: 'bridge', lesson: 'l', line: '' },
    { name: 'veth0', type: 'veth', lesson: 'l', line: '' },
    { name: 'd0', type: 'dummy', lesson: 'l', line: '' },
  ],
  sysctls: ['net.ipv4.ip_forward', 'net.ipv4.nosuch'],
  iptables: [
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    'iptables -t nat -A PREROUTING -p tcp --dport 5000 -j NOSUCHTARGET',
  ],
};
const probes = featureProbes(fp);
const captured = (name: string): string =>
  readFileSync(new URL(`../fixtures/hostFacts/${name}.txt`, import.meta.url), 'utf8');

t.test('the probes are the link types, the iptables lines and the sysctls of the lessons', async (t) => {
  t.strictSame(
    probes.map((p) => p.feature),
    [
      'bridge links',
      'veth links',
      'dummy links',
      `the iptables rule \`${fp.iptables[0]}\``,
      `the iptables rule \`${fp.iptables[1]}\``,
      'net.ipv4.ip_forward',
      'net.ipv4.nosuch',
    ],
  );
  t.match(probes[0]!.line, /^ip link add tsnet-probe0 type bridge$/);
  t.notMatch(probes[5]!.line, />\s*\/proc\/sys/, 'a sysctl is only tested for being writable, never written');
  t.match(probes[5]!.line, /^test -w \/proc\/sys\/net\/ipv4\/ip_forward /);
});

t.test('the probes run inside a throwaway network namespace', async (t) => {
  const script = hostFactsScript(probes);
  t.match(script, /unshare --net bash -c '/);
  t.notMatch(
    script.split('unshare --net')[0],
    /ip link add|iptables -t/,
    'nothing before the unshare changes anything',
  );
});

t.test('legacy rules beside an nf_tables iptables are found, with their DROP policy', async (t) => {
  const f = parseHostFacts(captured('legacy-rules-and-missing-features'), probes);
  t.equal(f.backend, 'nf_tables');
  t.equal(f.other?.backend, 'legacy');
  t.strictSame(
    f.other?.tables.filter?.rules.map((r) => r.line),
    ['-A INPUT -s 192.0.2.1/32 -j ACCEPT'],
  );
  t.equal(f.other?.tables.filter?.policies.FORWARD, 'DROP');
});

t.test('the features the kernel lacks are named with the error they gave', async (t) => {
  const f = parseHostFacts(captured('nf_tables-only'), probes);
  t.equal(f.other, null, 'no legacy tables: nothing mixed');
  t.equal(f.netnsError, null);
  t.strictSame(
    f.missing.map((m) => [m.probe.feature, m.error]),
    [
      ['dummy links', 'Error: Unknown device type.'],
      [`the iptables rule \`${fp.iptables[1]}\``, "iptables v1.8.9 (nf_tables): Chain 'NOSUCHTARGET' does not exist"],
      ['net.ipv4.nosuch', '/proc/sys/net/ipv4/nosuch is missing or read-only'],
    ],
  );
});

t.test('no network namespaces at all is one fact, not a failure of every probe', async (t) => {
  const f = parseHostFacts(captured('no-netns'), probes);
  t.equal(f.netnsError, 'unshare: unshare failed: Operation not permitted');
  t.strictSame(f.missing, []);
});

t.test('the backend comes from the marker of iptables -V', async (t) => {
  t.equal(backendOf('iptables v1.8.9 (nf_tables)'), 'nf_tables');
  t.equal(backendOf('iptables v1.8.7 (legacy)'), 'legacy');
  t.equal(backendOf('iptables v1.4.21'), null);
});
