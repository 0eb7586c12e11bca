import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { parseProcNet } from '../../src/snapshot/procNet.js';
import { judge, sectionOf, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

t.test('the server of lesson 7 is the one LISTEN socket of netns0; its TIME_WAIT connections are not', async (t) => {
  // 0A0012AC:1388 is 172.18.0.10:5000 (address in little-endian byte order, port in hex).
  t.strictSame(parseProcNet(sectionOf('after-lesson-7', 'listening', 'netns0')), [
    { proto: 'tcp', address: '172.18.0.10', port: 5000 },
  ]);
});

t.test('a namespace where nothing listens gives no listeners (headers only)', async (t) => {
  t.strictSame(parseProcNet(sectionOf('after-lesson-4', 'listening', 'netns0')), []);
  t.strictSame(parseProcNet(sectionOf('after-lesson-7', 'listening', 'host')), []);
  t.strictSame(parseProcNet(''), []);
});

t.test('addresses and ports are converted from hex, for IPv4 and IPv6', async (t) => {
  const text = [
    '@proto tcp',
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0',
    '@proto tcp6',
    '   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0',
    '   1: 0000000000000000FFFF00000A0012AC:1389 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 100 0 0 10 0',
    '@proto udp',
    '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    '  123: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5 2 0000000000000000 0',
    '  124: 0A0012AC:D431 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 6 2 0000000000000000 0',
  ].join('\n');
  t.strictSame(parseProcNet(text), [
    { proto: 'tcp', address: '0.0.0.0', port: 8080 },
    { proto: 'tcp', address: '127.0.0.1', port: 53 },
    { proto: 'tcp', address: '::', port: 22 },
    { proto: 'tcp', address: '::ffff:172.18.0.10', port: 5001 },
    { proto: 'udp', address: '0.0.0.0', port: 68 },
  ]);
});

t.test('a listener on its address passes', async (t) => {
  t.strictSame(judge('listening tcp 172.18.0.10:5000 in=netns0', after7), {
    ok: true,
    message: 'listening on 172.18.0.10:5000',
    passes: true,
  });
});

t.test('*:PORT accepts a listener on any address', async (t) => {
  t.strictSame(judge('listening tcp *:5000 in=netns0', after7), {
    ok: true,
    message: 'listening on 172.18.0.10:5000',
    passes: true,
  });
});

t.test('a listener on another address of the same port fails, naming where it listens', async (t) => {
  t.strictSame(judge('listening tcp 127.0.0.1:5000 in=netns0', after7), {
    ok: false,
    message: 'port 5000 listens only on 172.18.0.10',
    passes: false,
  });
});

t.test('the wrong protocol, the wrong namespace or before the server started: nothing listens', async (t) => {
  t.strictSame(judge('listening udp 172.18.0.10:5000 in=netns0', after7), {
    ok: false,
    message: 'nothing listens on udp port 5000 in netns netns0',
    passes: false,
  });
  t.strictSame(judge('listening tcp 172.18.0.10:5000', after7), {
    ok: false,
    message: 'nothing listens on tcp port 5000 in the host',
    passes: false,
  });
  t.strictSame(judge('listening tcp 172.18.0.10:5000 in=netns0', after4), {
    ok: false,
    message: 'nothing listens on tcp port 5000 in netns netns0',
    passes: false,
  });
});

t.test('a missing namespace fails', async (t) => {
  t.strictSame(judge('listening tcp *:5000 in=nosuch', after7), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('a wildcard listener covers a specific address', async (t) => {
  const s = snapshotOf('after-lesson-7');
  s.spaces.netns1!.listening = [
    { proto: 'tcp', address: '0.0.0.0', port: 8000 },
    { proto: 'tcp', address: '::', port: 8001 },
    { proto: 'tcp', address: '::ffff:172.18.0.20', port: 8002 },
  ];
  for (const port of [8000, 8001, 8002]) {
    t.strictSame(judge(`listening tcp 172.18.0.20:${port} in=netns1`, s).ok, true, String(port));
  }
});

t.test('the title names protocol, address and namespace', async (t) => {
  const parsed = parseCheckLine('listening tcp 172.18.0.10:5000 in=netns0')!;
  t.equal(parsed.title, 'something listens on tcp 172.18.0.10:5000 in netns netns0');
  t.strictSame(checkKinds.listening!.needs(parsed.args), [{ ns: 'netns0', part: 'listening' }]);
});

t.test('a protocol other than tcp or udp is rejected at its offset', async (t) => {
  t.strictSame(syntaxError('listening sctp 1.2.3.4:5'), {
    message: 'Unexpected `sctp`, expected tcp or udp',
    offset: 10,
  });
});

t.test('an address without a port, a bad address or a port over 65535 is rejected', async (t) => {
  const message = (x: string): string => `Unexpected \`${x}\`, expected ADDR:PORT such as 172.18.0.10:5000 or *:5000`;
  t.strictSame(syntaxError('listening tcp 172.18.0.10'), { message: message('172.18.0.10'), offset: 14 });
  t.strictSame(syntaxError('listening tcp 172.18.0.300:80'), { message: message('172.18.0.300:80'), offset: 14 });
  t.strictSame(syntaxError('listening tcp *:70000'), { message: message('*:70000'), offset: 14 });
  t.strictSame(syntaxError('listening udp 1.2.3.4:53 extra'), {
    message: 'Unexpected `extra`, expected in= or nothing',
    offset: 25,
  });
  t.strictSame(syntaxError('listening tcp'), {
    message:
      'Unexpected end of line, expected ADDR:PORT such as 172.18.0.10:5000 (usage: listening tcp|udp ADDR:PORT [in=NS])',
    offset: 13,
  });
});
