import t from 'tap';
import { parseIpAddrJson, parseIpRouteJson, parseNetnsIds, parseNetnsList } from '../../src/snapshot/ipJson.js';
import { sectionOf } from '../helpers/snapshot.js';

// The JSON sections are real `ip -d -j addr show`, `ip -j route show table main` and `ip -j netns list`
// output (iproute2), captured in a lab after lessons 4 and 7.

t.test('links after lesson 7: a bridge with an address, veths on it, and lo without a kind', async (t) => {
  const links = parseIpAddrJson(sectionOf('after-lesson-7', 'links', 'host'));
  t.strictSame(
    links.map((l) => l.name),
    ['lo', 'eth0', 'br0', 'veth0', 'veth1'],
  );
  const byName = Object.fromEntries(links.map((l) => [l.name, l]));
  t.strictSame(byName.br0, {
    name: 'br0',
    type: 'bridge',
    up: true,
    operstate: 'UP',
    master: null,
    addresses: [
      { family: 'inet', local: '172.18.0.1', prefixlen: 16 },
      { family: 'inet6', local: 'fe80::a088:e4ff:fe79:bfdf', prefixlen: 64 },
    ],
    ifindex: byName.br0!.ifindex!,
  });
  t.equal(byName.veth0?.type, 'veth');
  t.equal(byName.veth0?.master, 'br0');
  t.equal(byName.veth1?.master, 'br0');
  t.strictSame(
    byName.veth0?.addresses.filter((a) => a.family === 'inet'),
    [],
    'the veth gave its address up to the bridge',
  );
  t.equal(byName.lo?.type, null);
  t.equal(byName.lo?.operstate, 'UNKNOWN');
  t.equal(byName.lo?.up, true);
});

t.test('links after lesson 4: each veth end holds its own /16', async (t) => {
  const host = parseIpAddrJson(sectionOf('after-lesson-4', 'links', 'host'));
  const v4 = (name: string): string[] =>
    host
      .find((l) => l.name === name)!
      .addresses.filter((a) => a.family === 'inet')
      .map((a) => `${a.local}/${a.prefixlen}`);
  t.strictSame(v4('veth0'), ['172.18.0.11/16']);
  t.strictSame(v4('veth1'), ['172.18.0.21/16']);
  t.equal(host.find((l) => l.name === 'veth0')!.master, null);
  const netns0 = parseIpAddrJson(sectionOf('after-lesson-4', 'links', 'netns0'));
  t.strictSame(
    netns0.map((l) => l.name),
    ['lo', 'ceth0'],
  );
  t.strictSame(netns0[1]!.addresses[0], { family: 'inet', local: '172.18.0.10', prefixlen: 16 });
});

t.test('the outside world has a second address on lo', async (t) => {
  const lo = parseIpAddrJson(sectionOf('after-lesson-7', 'links', 'outside')).find((l) => l.name === 'lo')!;
  t.strictSame(
    lo.addresses.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    ['127.0.0.1/8', '203.0.113.1/32'],
  );
});

t.test('an admin-down link without linkinfo, operstate or addresses gets defaults', async (t) => {
  const [l] = parseIpAddrJson(
    '[{"ifindex":7,"ifname":"dummy0","flags":["BROADCAST","NOARP"],"addr_info":[{"family":"inet","local":"10.0.0.1"},{"family":"packet"},{"family":"inet"}]}]',
  );
  t.strictSame(l, {
    name: 'dummy0',
    type: null,
    up: false,
    operstate: 'UNKNOWN',
    master: null,
    addresses: [{ family: 'inet', local: '10.0.0.1', prefixlen: 32 }],
    ifindex: 7,
  });
});

t.test('entries without an ifname are dropped', async (t) => {
  t.strictSame(parseIpAddrJson('[{},{"ifindex":3}]'), []);
});

t.test('routes after lesson 4: the default route and two kernel routes to the same /16', async (t) => {
  t.strictSame(parseIpRouteJson(sectionOf('after-lesson-4', 'routes', 'host')), [
    { dst: 'default', gateway: '172.16.0.1', dev: 'eth0' },
    { dst: '172.16.0.0/24', gateway: null, dev: 'eth0' },
    { dst: '172.18.0.0/16', gateway: null, dev: 'veth0' },
    { dst: '172.18.0.0/16', gateway: null, dev: 'veth1' },
  ]);
});

t.test('routes after lesson 7: the containers go out through the bridge address', async (t) => {
  t.strictSame(parseIpRouteJson(sectionOf('after-lesson-7', 'routes', 'netns0')), [
    { dst: 'default', gateway: '172.18.0.1', dev: 'ceth0' },
    { dst: '172.18.0.0/16', gateway: null, dev: 'ceth0' },
  ]);
});

t.test('a route without dst is dropped; one without dev (multipath) keeps dev null', async (t) => {
  t.strictSame(
    parseIpRouteJson('[{"gateway":"1.2.3.4"},{"dst":"10.0.0.0/8","nexthops":[{"gateway":"1.1.1.1","dev":"a"}]}]'),
    [{ dst: '10.0.0.0/8', gateway: null, dev: null }],
  );
});

t.test('the netns list is read newest first, as ip prints it', async (t) => {
  t.strictSame(parseNetnsList(sectionOf('after-lesson-4', 'netns', '-')), ['netns1', 'netns0']);
});

t.test('an empty list, no output at all or a non-array are no entries', async (t) => {
  t.strictSame(parseNetnsList('[]'), []);
  t.strictSame(parseNetnsList(''), []);
  t.strictSame(parseNetnsList('\n\n'), []);
  t.strictSame(parseNetnsList('{"name":"x"}'), []);
  t.strictSame(parseIpAddrJson(''), []);
  t.strictSame(parseIpRouteJson('  '), []);
});

t.test('output that is not JSON throws', async (t) => {
  t.throws(() => parseIpRouteJson('default via 172.16.0.1 dev eth0'), SyntaxError);
});

t.test('a veth names its peer: the ifindex, and the namespace id when the peer is elsewhere', async (t) => {
  const host = parseIpAddrJson(sectionOf('after-lesson-7', 'links', 'host'));
  const ids = parseNetnsIds(sectionOf('after-lesson-7', 'netns', '-'));
  const veth0 = host.find((l) => l.name === 'veth0')!;
  const inNetns = Object.entries(ids).find(([, id]) => id === veth0.peer?.netnsId)?.[0];
  t.equal(inNetns, 'netns0', 'veth0 is paired with a link in netns0');
  const ceth0 = parseIpAddrJson(sectionOf('after-lesson-7', 'links', 'netns0')).find((l) => l.name === 'ceth0')!;
  t.equal(veth0.peer?.ifindex, ceth0.ifindex, "veth0's peer is ceth0");
  t.equal(ceth0.peer?.ifindex, veth0.ifindex, "and ceth0's peer is veth0");
  t.equal(host.find((l) => l.name === 'br0')!.peer, undefined, 'a bridge has no peer');
});
