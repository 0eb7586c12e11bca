import t from 'tap';
import { type CommandLine, ipArgs, parseCommandLine, programOf } from '../../src/core/commandLine.js';

const texts = (words: readonly { text: string }[]): string => words.map((w) => w.text).join(' ');
/** Each simple command as `argv` (what it runs), after its wrappers. */
const argvs = (line: string): string[] => parseCommandLine(line).commands.map((c) => texts(c.argv));
const only = (line: string) => {
  const m = parseCommandLine(line);
  if (m.commands.length !== 1) throw new Error(`expected one command in ${line}, got ${m.commands.length}`);
  return m.commands[0]!;
};

t.test('a line splits into simple commands at pipes and lists, but not at redirections or in quotes', async (t) => {
  const m = parseCommandLine(`echo 1 | sudo tee x 2>&1 && ip a; bash -c 'a | b'`);
  t.same(
    m.commands.map((c) => texts(c.words)),
    ['echo 1', 'sudo tee x', 'ip a', 'bash -c a | b'],
  );
  t.same(
    m.commands.map((c) => c.then),
    ['|', '&&', ';', null],
  );
  t.same(
    m.commands[1]!.redirects.map((r) => `${r.fd}${r.op}${r.target.text}`),
    ['2>&1'],
  );
  t.same(argvs('a || b |& c & d ;; e').length, 5);
  t.equal(m.compound, false);
});

t.test('quotes and escapes leave the words; offsets point at the words as written', async (t) => {
  const line = `echo "a \\"b\\" $(ip a | grep 'x y')" 'c d'\\ e $'f\\tg'`;
  const c = only(line);
  t.same(
    c.argv.map((w) => w.text),
    ['echo', `a "b" $(ip a | grep 'x y')`, 'c d e', 'f\tg'],
  );
  t.same(
    c.argv.map((w) => line.slice(w.offset, w.end)),
    ['echo', `"a \\"b\\" $(ip a | grep 'x y')"`, `'c d'\\ e`, `$'f\\tg'`],
  );
  const braces = '$' + '{X:-a b}';
  t.same(argvs(`echo \`ip a; ip r\` ${braces}`), [`echo \`ip a; ip r\` ${braces}`], 'substitutions stay in their word');
  t.same(argvs(`echo 'not closed; ip a`), [`echo not closed; ip a`], 'an unclosed quote ends with the line');
});

t.test('wrappers are looked through to the program, and the namespace they enter is kept', async (t) => {
  const cases: [string, string, CommandLine['commands'][number]['netns']][] = [
    ['nsenter --net=/run/netns/netns0 ip route', 'ip route', { kind: 'named', name: 'netns0' }],
    ['nsenter --net=/var/run/netns/netns0 -- ip route', 'ip route', { kind: 'named', name: 'netns0' }],
    ['nsenter --net /run/netns/netns0 bash', 'bash', { kind: 'named', name: 'netns0' }],
    ['nsenter -n/run/netns/x -m ip a', 'ip a', { kind: 'named', name: 'x' }],
    [
      'nsenter --net=/run/tsnet/outside ping 172.16.0.2',
      'ping 172.16.0.2',
      { kind: 'path', path: '/run/tsnet/outside' },
    ],
    ['nsenter -t 4242 -n ping 127.0.0.1', 'ping 127.0.0.1', { kind: 'pid', pid: '4242' }],
    ['nsenter --target=4242 --all ping 127.0.0.1', 'ping 127.0.0.1', { kind: 'pid', pid: '4242' }],
    ['nsenter -t 4242 -m ls /run', 'ls /run', null],
    [
      'ip netns exec netns1 curl -s http://172.18.0.10/',
      'curl -s http://172.18.0.10/',
      { kind: 'named', name: 'netns1' },
    ],
    ['ip -n netns1 -4 addr show', 'ip -4 addr show', { kind: 'named', name: 'netns1' }],
    ['ip -netns netns1 link set lo up', 'ip link set lo up', { kind: 'named', name: 'netns1' }],
    ['timeout 5 ping 127.0.0.1', 'ping 127.0.0.1', null],
    ['timeout -s KILL --preserve-status 5 ping 127.0.0.1', 'ping 127.0.0.1', null],
    ['env -u LANG LC_ALL=C ping 127.0.0.1', 'ping 127.0.0.1', null],
    ['sudo -u root -E ping 127.0.0.1', 'ping 127.0.0.1', null],
    ['/usr/bin/sudo /usr/sbin/ip link', '/usr/sbin/ip link', null],
    ['unshare -rn ip link', 'ip link', { kind: 'new' }],
    ['LC_ALL=C nohup setsid stdbuf -oL ping 127.0.0.1', 'ping 127.0.0.1', null],
  ];
  for (const [line, argv, netns] of cases) {
    const c = only(line);
    t.equal(texts(c.argv), argv, line);
    t.same(c.netns, netns, `${line}: namespace`);
  }
});

t.test('wrappers nest, outermost first; the innermost one that enters a namespace decides', async (t) => {
  const c = only('sudo env A=B timeout 5 ip netns exec red nsenter -t 7 -m ip -n blue -4 addr show');
  t.same(
    c.wrappers.map((w) => `${w.name}: ${texts(w.words)}`),
    [
      'sudo: sudo',
      'env: env',
      'timeout: timeout 5',
      'ip netns exec: ip netns exec red',
      'nsenter: nsenter -t 7 -m',
      'ip -n: -n blue',
    ],
  );
  t.same(texts(c.assignments), 'A=B');
  t.same(texts(c.argv), 'ip -4 addr show');
  t.same(c.netns, { kind: 'named', name: 'blue' });
  t.same(only('nsenter --net=/run/netns/a ip netns exec b ping 127.0.0.1').netns, { kind: 'named', name: 'b' });
  t.same(only('ip netns exec b nsenter -t 1 -n ping 127.0.0.1').netns, { kind: 'pid', pid: '1' });
});

t.test('a wrapper with nothing after it, or a use it does not wrap, is the program itself', async (t) => {
  t.same(argvs('timeout 5'), ['timeout 5']);
  t.same(argvs('nsenter -t 1 -n'), ['nsenter -t 1 -n']);
  t.same(argvs('ip netns exec red'), ['ip netns exec red']);
  t.same(argvs('command -v ip'), ['command -v ip']);
  t.same(argvs('A=1 B=2'), ['']);
  t.same(only('A=1 ip a').assignments.length, 1);
});

t.test('redirections are kept apart from the words, with their targets', async (t) => {
  const c = only('echo 1 > /proc/sys/net/ipv4/ip_forward 2>&1');
  t.same(texts(c.argv), 'echo 1');
  t.same(
    c.redirects.map((r) => [r.fd, r.op, r.target.text]),
    [
      [null, '>', '/proc/sys/net/ipv4/ip_forward'],
      [2, '>&', '1'],
    ],
  );
  t.same(
    only('curl -s x &>/dev/null <in >>log').redirects.map((r) => `${r.op}${r.target.text}`),
    ['&>/dev/null', '<in', '>>log'],
  );
  t.same(argvs('echo a>b'), ['echo a'], 'no space needed');
  t.same(argvs('diff <(ip a) <(ip r)'), ['diff <(ip a) <(ip r)'], 'process substitution is a word');
});

t.test('a here-document is text, not commands', async (t) => {
  t.same(argvs('cat <<EOF >/tmp/x\nip link del br0\nEOF\nip a'), ['cat', 'ip a']);
  t.same(argvs('cat <<-END\n\trm -rf x\n\tEND\nls'), ['cat', 'ls']);
});

t.test('& sends its pipeline to the background; && and 2>&1 do not', async (t) => {
  t.same(
    parseCommandLine('sleep 100&').commands.map((c) => c.then),
    ['&'],
  );
  t.same(
    parseCommandLine('a | b & c && d 2>&1').commands.map((c) => c.then),
    ['|', '&', '&&', null],
  );
});

t.test('compound commands are flagged; the commands inside them are still listed', async (t) => {
  for (const line of [
    'if ip link show x; then ip link del x; fi',
    '(cd /tmp && ls)',
    '{ ip a; }',
    '! ip link show x',
    'for x in a b; do ip link del $x; done',
    '[[ -e /run/netns/x ]] && ip netns del x',
  ])
    t.equal(parseCommandLine(line).compound, true, line);
  t.same(argvs('if ip link show x; then ip link del x; fi'), ['ip link show x', 'ip link del x']);
  t.equal(parseCommandLine('ip a && ip r | grep x; ls &').compound, false);
});

t.test('a comment ends the line; an empty line has no command', async (t) => {
  t.same(argvs('ip a # show && rm -rf /'), ['ip a']);
  t.same(argvs('x#y'), ['x#y'], 'a # inside a word is no comment');
  t.same(parseCommandLine('').commands, []);
  t.same(parseCommandLine('   ').commands, []);
});

t.test('a line bash would refuse still gives a model, never an exception', async (t) => {
  t.same(argvs('ip a |'), ['ip a']);
  t.same(argvs('&& ip a'), ['ip a']);
  t.same(argvs(') ip a >'), ['ip a']);
  t.same(argvs('echo "unclosed $(ip a'), ['echo unclosed $(ip a']);
});

t.test('a command knows its place in the line', async (t) => {
  const line = 'ip a && timeout 5 ping -c 1 127.0.0.1 >/dev/null ; ls';
  const c = parseCommandLine(line).commands[1]!;
  t.equal(line.slice(c.start, c.end), 'timeout 5 ping -c 1 127.0.0.1 >/dev/null');
  t.equal(programOf(only('/usr/sbin/ip -br a')), 'ip');
  t.equal(programOf(only('A=1')), '');
});

t.test('ipArgs: the words of an ip command after its options, the object first', async (t) => {
  t.same(texts(ipArgs(only('ip -4 -o -b batch addr add 10.0.0.1/24 dev x').argv)), 'addr add 10.0.0.1/24 dev x');
  t.same(texts(ipArgs(only('ip -n red link').argv)), 'link');
  t.same(ipArgs(only('ping 127.0.0.1').argv), []);
});

t.test('the model is plain data: it survives the lesson cache (JSON) unchanged', async (t) => {
  const m = parseCommandLine('sudo nsenter -t 4242 -n ip -n x a > /tmp/o 2>&1 | grep y &');
  t.same(JSON.parse(JSON.stringify(m)), m);
});
