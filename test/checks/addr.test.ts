import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { fixOf, judge, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

t.test('an address on its device passes, listing the IPv4 addresses there', async (t) => {
  t.strictSame(judge('addr 172.18.0.11/16 dev=veth0', after4), {
    ok: true,
    message: 'veth0 has 172.18.0.11/16',
    passes: true,
  });
  t.strictSame(judge('addr 172.18.0.1/16 dev=br0', after7), {
    ok: true,
    message: 'br0 has 172.18.0.1/16',
    passes: true,
  });
  t.strictSame(judge('addr 172.18.0.10/16 dev=ceth0 in=netns0', after4), {
    ok: true,
    message: 'ceth0 has 172.18.0.10/16',
    passes: true,
  });
});

t.test('the right address with the wrong prefix length fails', async (t) => {
  t.strictSame(judge('addr 172.18.0.11/24 dev=veth0', after4), {
    ok: false,
    message: 'veth0 has 172.18.0.11/16',
    passes: false,
  });
});

t.test('an address on another device fails', async (t) => {
  t.strictSame(judge('addr 172.18.0.11/16 dev=veth1', after4), {
    ok: false,
    message: 'veth1 has 172.18.0.21/16',
    passes: false,
  });
});

t.test('IPv6 link-local addresses are not listed: a veth on the bridge has no IPv4 address', async (t) => {
  t.strictSame(judge('addr 172.18.0.11/16 dev=veth0', after7), {
    ok: false,
    message: 'veth0 has no IPv4 address',
    passes: false,
  });
});

t.test('absent passes once the address moved to the bridge', async (t) => {
  t.strictSame(judge('addr 172.18.0.11/16 dev=veth0 absent', after7), {
    ok: false,
    message: 'veth0 has no IPv4 address',
    passes: true,
  });
  t.strictSame(judge('addr 172.18.0.11/16 dev=veth0 absent', after4), {
    ok: true,
    message: 'veth0 has 172.18.0.11/16',
    passes: false,
  });
});

t.test('several addresses on one device are all listed', async (t) => {
  t.strictSame(judge('addr 203.0.113.2/32 dev=lo in=outside', after7), {
    ok: false,
    message: 'lo has 127.0.0.1/8, 203.0.113.1/32',
    passes: false,
  });
  t.equal(judge('addr 203.0.113.1/32 dev=lo in=outside', after7).ok, true);
});

t.test('a device that does not exist, or a missing namespace, fails', async (t) => {
  t.strictSame(judge('addr 172.18.0.10/16 dev=ceth0', after4), {
    ok: false,
    message: 'ceth0 does not exist in the host',
    passes: false,
  });
  t.strictSame(judge('addr 172.18.0.10/16 dev=ceth0 in=nosuch', after4), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('the title and needs name the device and namespace', async (t) => {
  const parsed = parseCheckLine('addr 172.18.0.10/16 dev=ceth0 in=netns0')!;
  t.equal(parsed.title, 'ceth0 in netns netns0 has 172.18.0.10/16');
  t.equal(
    parseCheckLine('addr 172.18.0.11/16 dev=veth0 absent')!.title,
    'veth0 in the host does not have 172.18.0.11/16',
  );
  t.strictSame(checkKinds.addr!.needs(parsed.args), [{ ns: 'netns0', part: 'links' }]);
});

t.test('an address without a prefix length, a bad address or a missing dev= is a syntax error', async (t) => {
  const addr = (x: string): string =>
    `Unexpected address \`${x}\`, expected IPv4 with a prefix length such as 172.18.0.10/16`;
  t.strictSame(syntaxError('addr 172.18.0.11 dev=veth0'), { message: addr('172.18.0.11'), offset: 5 });
  t.strictSame(syntaxError('addr 172.18.0.300/16 dev=veth0'), { message: addr('172.18.0.300/16'), offset: 5 });
  t.strictSame(syntaxError('addr 172.18.0.11/40 dev=veth0'), { message: addr('172.18.0.11/40'), offset: 5 });
  t.strictSame(syntaxError('addr 172.18.0.11/16 veth0'), {
    message: 'Unexpected end of line, expected dev=NAME (usage: addr CIDR dev=NAME [in=NS] [absent])',
    offset: 25,
  });
  t.strictSame(syntaxError('addr 172.18.0.11/16 dev=veth0 up'), {
    message: 'Unexpected `up`, expected dev=, in= or absent',
    offset: 30,
  });
});

t.test('the fix adds a missing address to a link that is there, in its namespace', async (t) => {
  t.equal(fixOf('addr 172.18.0.1/16 dev=br0', snapshotOf('lesson-5-half')), 'ip addr add 172.18.0.1/16 dev br0');
  t.equal(
    fixOf('addr 172.18.0.99/16 dev=ceth0 in=netns0', snapshotOf('after-lesson-7')),
    'nsenter --net=/run/netns/netns0 ip addr add 172.18.0.99/16 dev ceth0',
  );
  t.equal(fixOf('addr 172.18.0.1/16 dev=br0', snapshotOf('after-lesson-7')), null, 'there already');
  t.equal(fixOf('addr 172.18.0.1/16 dev=br0', snapshotOf('nothing-built')), null, 'no link to put it on');
  t.equal(
    fixOf('addr 172.18.0.1/16 dev=br0 absent', snapshotOf('after-lesson-7')),
    'ip addr del 172.18.0.1/16 dev br0',
  );
});
