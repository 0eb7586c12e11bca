import t from 'tap';
import { parseCheckLine } from '../../checks/index.js';
import { fixOf, judge, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

t.test('a link with the claimed type and state passes, described in the message', async (t) => {
  t.strictSame(judge('link veth0 type=veth up', after4), {
    ok: true,
    message: 'veth0 (veth), up, operstate UP',
    passes: true,
  });
  t.strictSame(judge('link br0 type=bridge up', after7), {
    ok: true,
    message: 'br0 (bridge), up, operstate UP',
    passes: true,
  });
  t.strictSame(judge('link ceth0 in=netns0 type=veth up', after4), {
    ok: true,
    message: 'ceth0 (veth), up, operstate UP',
    passes: true,
  });
});

t.test('a link of another type fails; a device without linkinfo is a plain device', async (t) => {
  t.strictSame(judge('link veth0 type=bridge', after7), {
    ok: false,
    message: 'veth0 is a veth, not a bridge (veth0 (veth), up, operstate UP, master br0)',
    passes: false,
  });
  t.strictSame(judge('link lo type=veth', after4), {
    ok: false,
    message: 'lo is a plain device, not a veth (lo, up, operstate UNKNOWN)',
    passes: false,
  });
});

t.test('down fails on a link that is up', async (t) => {
  t.strictSame(judge('link veth0 down', after4), {
    ok: false,
    message: 'veth0 is up (veth0 (veth), up, operstate UP)',
    passes: false,
  });
});

t.test('up fails and down passes on a link that is administratively down', async (t) => {
  // Every captured link is up: take veth1 down as `ip link set veth1 down` would (operstate follows).
  const s = snapshotOf('after-lesson-4');
  const veth1 = s.spaces.host!.links!.find((l) => l.name === 'veth1')!;
  veth1.up = false;
  veth1.operstate = 'DOWN';
  t.strictSame(judge('link veth1 up', s), {
    ok: false,
    message: 'veth1 is down (veth1 (veth), down, operstate DOWN)',
    passes: false,
  });
  t.strictSame(judge('link veth1 down', s), { ok: true, message: 'veth1 (veth), down, operstate DOWN', passes: true });
});

t.test('master= passes once the veth is on the bridge (lesson 7), not before (lesson 4)', async (t) => {
  t.strictSame(judge('link veth0 master=br0', after7), {
    ok: true,
    message: 'veth0 (veth), up, operstate UP, master br0',
    passes: true,
  });
  t.strictSame(judge('link veth0 master=br0', after4), {
    ok: false,
    message: 'veth0 is not attached to br0 (veth0 (veth), up, operstate UP)',
    passes: false,
  });
});

t.test('a veth on another bridge names both', async (t) => {
  t.strictSame(judge('link veth0 master=br1', after7), {
    ok: false,
    message: 'veth0 is on br0, not br1 (veth0 (veth), up, operstate UP, master br0)',
    passes: false,
  });
});

t.test('nomaster passes on a free veth and fails on one attached to a bridge', async (t) => {
  t.strictSame(judge('link veth0 nomaster', after4), {
    ok: true,
    message: 'veth0 (veth), up, operstate UP',
    passes: true,
  });
  t.strictSame(judge('link veth0 nomaster', after7), {
    ok: false,
    message: 'veth0 is on br0 (veth0 (veth), up, operstate UP, master br0)',
    passes: false,
  });
});

t.test('several wrong properties are all listed', async (t) => {
  const s = snapshotOf('after-lesson-4');
  s.spaces.host!.links!.find((l) => l.name === 'veth0')!.up = false;
  t.equal(
    judge('link veth0 type=bridge up master=br0', s).message,
    'veth0 is a veth, not a bridge, is down, is not attached to br0 (veth0 (veth), down, operstate UP)',
  );
});

t.test('a link that does not exist fails; with absent it passes', async (t) => {
  t.strictSame(judge('link br0', after4), { ok: false, message: 'br0 does not exist in the host', passes: false });
  t.strictSame(judge('link br0 absent', after4), {
    ok: false,
    message: 'br0 does not exist in the host',
    passes: true,
  });
  t.strictSame(judge('link veth0 in=netns0', after4), {
    ok: false,
    message: 'veth0 does not exist in netns netns0',
    passes: false,
  });
});

t.test('absent fails when the link exists, whatever its other properties', async (t) => {
  t.strictSame(judge('link br0 absent', after7), {
    ok: true,
    message: 'br0 (bridge), up, operstate UP exists in the host',
    passes: false,
  });
  t.equal(judge('link br0 type=veth absent', after7).passes, false);
});

t.test('a link in a missing namespace fails with "netns X does not exist"', async (t) => {
  t.strictSame(judge('link ceth0 in=nosuch', after4), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('the links of the outside world are judged too', async (t) => {
  t.equal(judge('link eth0 in=outside type=veth up', after7).ok, true);
  t.strictSame(judge('link br0 in=outside', after7), {
    ok: false,
    message: 'br0 does not exist in the outside world',
    passes: false,
  });
});

t.test('the title lists what is claimed', async (t) => {
  t.equal(parseCheckLine('link veth0 type=veth up master=br0')!.title, 'veth0 exists in the host: a veth, up, on br0');
  t.equal(parseCheckLine('link ceth0 in=netns0 nomaster')!.title, 'ceth0 exists in netns netns0: on no bridge');
  t.equal(parseCheckLine('link veth0')!.title, 'veth0 exists in the host');
  t.equal(parseCheckLine('link br0 absent')!.title, 'br0 is gone from the host');
});

t.test('bad names, types, masters and leftovers are syntax errors at their offsets', async (t) => {
  const ifname = (x: string): string =>
    `Unexpected interface name \`${x}\`, expected at most 15 letters, digits, '.', '_' or '-'`;
  t.strictSame(syntaxError('link'), {
    message:
      'Unexpected end of line, expected an interface name (usage: link NAME [in=NS] [type=KIND] [up|down] [master=BR|nomaster] [absent])',
    offset: 4,
  });
  t.strictSame(syntaxError('link averyverylongname0'), { message: ifname('averyverylongname0'), offset: 5 });
  t.strictSame(syntaxError('link veth0 type=Veth'), {
    message: 'Unexpected link type `Veth`, expected a kind such as veth or bridge',
    offset: 16,
  });
  t.strictSame(syntaxError('link veth0 master=br/0'), { message: ifname('br/0'), offset: 18 });
  t.strictSame(syntaxError('link veth0 sideways'), {
    message: 'Unexpected `sideways`, expected in=, type=, up, down, master=, nomaster or absent',
    offset: 11,
  });
  t.strictSame(syntaxError('link veth0 in=../x'), {
    message: 'Unexpected namespace `../x`, expected host, outside or a netns name',
    offset: 14,
  });
});

t.test('the fix sets what is wrong on a link that is there, and leaves creating one to the lesson', async (t) => {
  t.equal(fixOf('link br0 type=bridge up', snapshotOf('lesson-7-br0-down')), 'ip link set br0 up');
  t.equal(
    fixOf('link ceth0 in=netns0 up', snapshotOf('lesson-7-ceth0-down')),
    'nsenter --net=/run/netns/netns0 ip link set ceth0 up',
  );
  t.equal(fixOf('link veth0 master=br-web', snapshotOf('after-lesson-7')), 'ip link set veth0 master br-web');
  t.equal(fixOf('link veth0 nomaster down', snapshotOf('after-lesson-7')), 'ip link set veth0 nomaster down');
  t.equal(fixOf('link veth0 up', snapshotOf('after-lesson-7')), null, 'nothing to do');
  t.equal(fixOf('link br0 type=bridge up', snapshotOf('nothing-built')), null, 'missing: the lesson creates it');
  t.equal(fixOf('link veth0 type=bridge', snapshotOf('after-lesson-7')), null, 'another kind: only the lesson can');
  t.equal(fixOf('link veth0 absent', snapshotOf('after-lesson-7')), 'ip link delete veth0');
});
