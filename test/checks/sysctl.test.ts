import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { fixOf, judge, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

t.test('ip_forward=1 fails after lesson 4 (0) and passes after lesson 7 (1)', async (t) => {
  t.strictSame(judge('sysctl net.ipv4.ip_forward=1', after4), {
    ok: false,
    message: 'net.ipv4.ip_forward = 0',
    passes: false,
  });
  t.strictSame(judge('sysctl net.ipv4.ip_forward=1', after7), {
    ok: true,
    message: 'net.ipv4.ip_forward = 1',
    passes: true,
  });
  t.strictSame(judge('sysctl net.ipv4.ip_forward=0', after4), {
    ok: true,
    message: 'net.ipv4.ip_forward = 0',
    passes: true,
  });
});

t.test('the setting is per namespace: forwarding on the host leaves netns0 at 0', async (t) => {
  t.strictSame(judge('sysctl net.ipv4.ip_forward=1 in=netns0', after7), {
    ok: false,
    message: 'net.ipv4.ip_forward = 0',
    passes: false,
  });
  t.equal(judge('sysctl net.ipv4.ip_forward=0 in=outside', after7).ok, true);
});

t.test('a key that was not read fails as not existing', async (t) => {
  t.strictSame(judge('sysctl net.ipv4.conf.all.forwarding=1', after7), {
    ok: false,
    message: 'net.ipv4.conf.all.forwarding does not exist here',
    passes: false,
  });
});

t.test('a missing namespace fails', async (t) => {
  t.strictSame(judge('sysctl net.ipv4.ip_forward=1 in=nosuch', after7), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('the title and needs carry the key', async (t) => {
  const parsed = parseCheckLine('sysctl in=netns0 net.ipv4.ip_forward=1')!;
  t.strictSame(parsed.args, { key: 'net.ipv4.ip_forward', value: '1', ns: 'netns0' });
  t.equal(parsed.title, 'net.ipv4.ip_forward is 1 in netns netns0');
  t.strictSame(checkKinds.sysctl!.needs(parsed.args), [{ ns: 'netns0', part: 'sysctl', key: 'net.ipv4.ip_forward' }]);
});

t.test('a key without a value, bad characters or leftovers are syntax errors', async (t) => {
  const kv = (x: string): string =>
    `Unexpected \`${x}\`, expected KEY=VALUE with the full key, such as net.ipv4.ip_forward=1`;
  t.strictSame(syntaxError('sysctl net.ipv4.ip_forward'), { message: kv('net.ipv4.ip_forward'), offset: 7 });
  t.strictSame(syntaxError('sysctl net.ipv4.ip_forward='), { message: kv('net.ipv4.ip_forward='), offset: 7 });
  t.strictSame(syntaxError('sysctl net/ipv4/ip_forward=1'), { message: kv('net/ipv4/ip_forward=1'), offset: 7 });
  t.strictSame(syntaxError('sysctl net.ipv4.ip_forward=1 extra'), {
    message: 'Unexpected `extra`, expected in= or nothing',
    offset: 29,
  });
  t.strictSame(
    syntaxError('sysctl ip_forward=1'),
    { message: kv('ip_forward=1'), offset: 7 },
    'a short key is named, not taken for an option',
  );
  t.strictSame(syntaxError('sysctl'), {
    message:
      'Unexpected end of line, expected KEY=VALUE such as net.ipv4.ip_forward=1 (usage: sysctl KEY=VALUE [in=NS])',
    offset: 6,
  });
});

t.test('the fix writes the value in the namespace', async (t) => {
  t.equal(fixOf('sysctl net.ipv4.ip_forward=1', snapshotOf('after-lesson-4')), 'sysctl -w net.ipv4.ip_forward=1');
  t.equal(
    fixOf('sysctl net.ipv4.ip_forward=1 in=netns0', snapshotOf('after-lesson-7')),
    'nsenter --net=/run/netns/netns0 sysctl -w net.ipv4.ip_forward=1',
  );
  t.equal(fixOf('sysctl net.ipv4.ip_forward=1', snapshotOf('after-lesson-7')), null);
});
