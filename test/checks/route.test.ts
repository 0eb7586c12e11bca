import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { canonicalDst, describeRoute } from '../../checks/route.js';
import { fixOf, judge, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

t.test('count=2 holds after lesson 4, where both veths route 172.18.0.0/16', async (t) => {
  t.strictSame(judge('route 172.18.0.0/16 count=2', after4), {
    ok: true,
    message: 'routes to 172.18.0.0/16: 172.18.0.0/16 dev veth0; 172.18.0.0/16 dev veth1',
    passes: true,
  });
});

t.test('count=2 fails after lesson 7, where the bridge holds the only route', async (t) => {
  t.strictSame(judge('route 172.18.0.0/16 count=2', after7), {
    ok: false,
    message: 'routes to 172.18.0.0/16: 172.18.0.0/16 dev br0',
    passes: false,
  });
  t.equal(judge('route 172.18.0.0/16 count=1', after7).ok, true);
});

t.test('count counts only the routes matching dev= and via=', async (t) => {
  t.equal(judge('route 172.18.0.0/16 dev=veth0 count=1', after4).ok, true);
  t.equal(judge('route 172.18.0.0/16 dev=veth0 count=2', after4).ok, false);
  t.equal(judge('route 10.0.0.0/8 count=0', after4).ok, true);
});

t.test('a default route via the bridge address passes in the containers after lesson 7', async (t) => {
  t.strictSame(judge('route default via=172.18.0.1 in=netns0', after7), {
    ok: true,
    message: 'routes to default: default via 172.18.0.1 dev ceth0',
    passes: true,
  });
  t.strictSame(judge('route default via=172.18.0.1 dev=ceth1 in=netns1', after7), {
    ok: true,
    message: 'routes to default: default via 172.18.0.1 dev ceth1',
    passes: true,
  });
});

t.test('a default route fails before it was added, and via another gateway', async (t) => {
  t.strictSame(judge('route default via=172.18.0.1 in=netns0', after4), {
    ok: false,
    message: 'no route to default',
    passes: false,
  });
  t.strictSame(judge('route default via=172.18.0.254 in=netns0', after7), {
    ok: false,
    message: 'routes to default: default via 172.18.0.1 dev ceth0',
    passes: false,
  });
});

t.test('dev= must match', async (t) => {
  t.strictSame(judge('route 172.18.0.0/16 dev=br0', after4), {
    ok: false,
    message: 'routes to 172.18.0.0/16: 172.18.0.0/16 dev veth0; 172.18.0.0/16 dev veth1',
    passes: false,
  });
  t.equal(judge('route 172.18.0.0/16 dev=br0', after7).ok, true);
});

t.test('the destination is compared as a network: host bits in the check do not matter', async (t) => {
  t.equal(judge('route 172.18.0.10/16 dev=br0', after7).ok, true);
  t.equal(parseCheckLine('route 172.18.0.10/16')!.args.dst, '172.18.0.0/16');
});

t.test('absent passes when no route matches and fails when one does', async (t) => {
  t.strictSame(judge('route 172.18.0.0/16 dev=veth0 absent', after7), {
    ok: false,
    message: 'routes to 172.18.0.0/16: 172.18.0.0/16 dev br0',
    passes: true,
  });
  t.equal(judge('route 172.18.0.0/16 dev=veth0 absent', after4).passes, false);
  t.strictSame(judge('route 10.0.0.0/8 absent', after4), {
    ok: false,
    message: 'no route to 10.0.0.0/8',
    passes: true,
  });
});

t.test('routes in a missing namespace fail', async (t) => {
  t.strictSame(judge('route default in=nosuch', after7), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('the outside world has no route back to the containers', async (t) => {
  t.strictSame(judge('route 172.18.0.0/16 in=outside', after7), {
    ok: false,
    message: 'no route to 172.18.0.0/16',
    passes: false,
  });
});

// `route 0.0.0.0/0` is kept as the network 0.0.0.0/0 by parse, while canonicalDst turns the table's
// `default` (and 0.0.0.0/0) into `default`, so this check can never pass.
t.test('route 0.0.0.0/0 is the default route', async (t) => {
  t.equal(judge('route 0.0.0.0/0 via=172.18.0.1 in=netns0', after7).ok, true);
});

t.test("canonicalDst makes ip's host routes and default comparable with the check", async (t) => {
  t.equal(canonicalDst('default'), 'default');
  t.equal(canonicalDst('0.0.0.0/0'), 'default');
  t.equal(canonicalDst('172.16.0.1'), '172.16.0.1/32');
  t.equal(canonicalDst('172.18.0.0/16'), '172.18.0.0/16');
  t.equal(canonicalDst('fe80::/64'), 'fe80::/64', 'anything else is kept as printed');
});

t.test('describeRoute prints a route like ip route', async (t) => {
  t.equal(describeRoute({ dst: 'default', gateway: '172.16.0.1', dev: 'eth0' }), 'default via 172.16.0.1 dev eth0');
  t.equal(describeRoute({ dst: '10.0.0.0/8', gateway: null, dev: null }), '10.0.0.0/8');
});

t.test('the title says what route is expected, or how many', async (t) => {
  t.equal(
    parseCheckLine('route default via=172.18.0.1 in=netns0')!.title,
    'netns netns0 has a default route via 172.18.0.1',
  );
  t.equal(parseCheckLine('route 172.18.0.0/16 dev=br0')!.title, 'the host has a route to 172.18.0.0/16 dev br0');
  t.equal(
    parseCheckLine('route 172.18.0.0/16 dev=veth0 absent')!.title,
    'the host has no route to 172.18.0.0/16 dev veth0',
  );
  t.equal(parseCheckLine('route 172.18.0.0/16 count=2')!.title, 'the host has 2 routes to 172.18.0.0/16');
  t.equal(parseCheckLine('route 172.18.0.0/16 count=1')!.title, 'the host has 1 route to 172.18.0.0/16');
  t.strictSame(checkKinds.route!.needs(parseCheckLine('route default in=netns1')!.args), [
    { ns: 'netns1', part: 'routes' },
  ]);
});

t.test('bad destinations, gateways, counts and leftovers are syntax errors at their offsets', async (t) => {
  t.strictSame(syntaxError('route'), {
    message:
      'Unexpected end of line, expected `default` or a prefix such as 172.18.0.0/16 (usage: route default|CIDR [via=GW] [dev=DEV] [count=N] [in=NS] [absent])',
    offset: 5,
  });
  t.strictSame(syntaxError('route 172.18.0.0/33'), {
    message: 'Unexpected destination `172.18.0.0/33`, expected `default` or a prefix such as 172.18.0.0/16',
    offset: 6,
  });
  t.strictSame(syntaxError('route default via=172.18.0'), {
    message: 'Unexpected gateway `172.18.0`, expected an IPv4 address',
    offset: 18,
  });
  t.strictSame(syntaxError('route default count=two'), {
    message: 'Unexpected count `two`, expected a number',
    offset: 20,
  });
  t.strictSame(syntaxError('route default dev=a/b'), {
    message: "Unexpected interface name `a/b`, expected at most 15 letters, digits, '.', '_' or '-'",
    offset: 18,
  });
  t.strictSame(syntaxError('route default gw 172.18.0.1'), {
    message: 'Unexpected `gw`, expected via=, dev=, count=, in= or absent',
    offset: 14,
  });
});

t.test('the fix adds a missing route, or appends it beside another to the same place', async (t) => {
  t.equal(
    fixOf('route default via=172.18.0.1 in=netns0', snapshotOf('lesson-5-half')),
    null,
    'no link of netns0 is up on the gateway subnet yet: the route would be refused',
  );
  t.equal(
    fixOf('route default via=172.18.0.1 in=netns0', snapshotOf('lesson-7-ceth0-down')),
    null,
    'nor with ceth0 down',
  );
  const s = snapshotOf('after-lesson-7');
  s.spaces.netns1!.routes = s.spaces.netns1!.routes!.filter((r) => r.dst !== 'default');
  t.equal(
    fixOf('route default via=172.18.0.1 in=netns1', s),
    'nsenter --net=/run/netns/netns1 ip route add default via 172.18.0.1',
  );
  t.equal(
    fixOf('route 172.18.0.0/16 dev=veth0', snapshotOf('after-lesson-7')),
    'ip route append 172.18.0.0/16 dev veth0',
  );
  t.equal(fixOf('route 172.18.0.0/16 dev=br0', snapshotOf('after-lesson-7')), null, 'there already');
  t.equal(
    fixOf('route 172.18.0.0/16 count=2', snapshotOf('after-lesson-7')),
    null,
    'a count is for the lesson to reach',
  );
});
