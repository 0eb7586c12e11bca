import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseIptablesSave, type IptablesRule } from '../../src/snapshot/iptablesSave.js';
import { findRule, formatRule, normalizeRule, sameRule, tokenizeRule } from '../../checks/ruleSpec.js';

// Real `iptables-save` output (iptables 1.8.9 nf_tables), captured inside `unshare --net`.
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/iptables/${name}`, import.meta.url), 'utf8');
const rulesOf = (name: string): IptablesRule[] =>
  Object.values(parseIptablesSave(fixture(name))).flatMap((table) => table.rules);

/** `iptables [-t T] -A CHAIN args…` as typed → where and what to look for. */
function typed(command: string): { table: string; chain: string; args: string[] } {
  const tokens = tokenizeRule(command).slice(1);
  const table = tokens[0] === '-t' ? tokens.splice(0, 2)[1]! : 'filter';
  const [, chain = '', ...args] = tokens;
  return { table, chain, args };
}

// The tutorial's three rules, verbatim.
const MASQUERADE = 'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE';
const DNAT_PREROUTING =
  'iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000';
const DNAT_OUTPUT =
  'iptables -t nat -A OUTPUT -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000';

t.test('tokenizeRule splits like a shell and unescapes like iptables-restore', async (t) => {
  t.strictSame(tokenizeRule('  -m comment\t--comment "x y"  -j ACCEPT '), [
    '-m',
    'comment',
    '--comment',
    'x y',
    '-j',
    'ACCEPT',
  ]);
  t.strictSame(tokenizeRule(`--comment 'it'"'"'s' --x a\\ b`), ['--comment', "it's", '--x', 'a b']);
  t.strictSame(tokenizeRule('--comment "it\\\'s \\"q\\" back\\\\slash"'), ['--comment', 'it\'s "q" back\\slash']);
  t.strictSame(tokenizeRule('--comment "" -j ACCEPT'), ['--comment', '', '-j', 'ACCEPT']);
  t.strictSame(tokenizeRule('--comment "unterminated'), ['--comment', 'unterminated']);
  t.strictSame(tokenizeRule(''), []);
});

t.test('the tutorial rules as typed are found in what iptables-save printed', async (t) => {
  const rules = rulesOf('tutorial.txt');
  for (const command of [MASQUERADE, DNAT_PREROUTING, DNAT_OUTPUT, 'iptables -A FORWARD -i br0 -j ACCEPT']) {
    const { table, chain, args } = typed(command);
    const result = findRule(rules, table, chain, args);
    t.equal(result.found?.chain, chain, command);
    t.equal(result.duplicates, 0);
    t.equal(result.nearest, null);
  }
});

t.test('every typed command in rewrites.commands.txt is found in rewrites.txt despite the rewriting', async (t) => {
  const rules = rulesOf('rewrites.txt');
  const commands = fixture('rewrites.commands.txt')
    .split('\n')
    .filter((line) => line.startsWith('iptables') && !line.includes(' -N '));
  t.equal(commands.length, rules.length, 'one saved rule per command');
  for (const command of commands) {
    const { table, chain, args } = typed(command);
    t.ok(findRule(rules, table, chain, args).found, command);
  }
});

t.test('a rule differing in address, port, negation, interface, target or table is not found', async (t) => {
  const rules = rulesOf('tutorial.txt');
  const wrong = [
    'iptables -t nat -A POSTROUTING -s 172.19.0.0/16 ! -o br0 -j MASQUERADE',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/24 ! -o br0 -j MASQUERADE',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 -o br0 -j MASQUERADE',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br1 -j MASQUERADE',
    'iptables -t nat -A POSTROUTING ! -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j ACCEPT',
    'iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0',
    'iptables -t nat -A PREROUTING -d 172.16.0.3 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp --dport 5001 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -t nat -A PREROUTING -d 172.16.0.2 -p udp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10',
    'iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -t nat -A INPUT -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -A PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    'iptables -A FORWARD -o br0 -j ACCEPT',
  ];
  for (const command of wrong) {
    const { table, chain, args } = typed(command);
    t.equal(findRule(rules, table, chain, args).found, null, command);
  }
});

t.test('a rule appended twice is found once and counted as one duplicate', async (t) => {
  const { table, chain, args } = typed(DNAT_PREROUTING);
  const result = findRule(rulesOf('common-forms.txt'), table, chain, args);
  t.equal(
    result.found?.line,
    '-A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
  );
  t.equal(result.duplicates, 1);
});

t.test("a learner's near miss is reported as nearest: same chain, same target, most options shared", async (t) => {
  const rules = rulesOf('wrong-tutorial.txt');
  const nearestLine = (command: string): string | undefined => {
    const { table, chain, args } = typed(command);
    const result = findRule(rules, table, chain, args);
    t.equal(result.found, null, command);
    return result.nearest?.line;
  };
  t.equal(
    nearestLine(DNAT_PREROUTING),
    '-A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.11:5000',
  );
  t.equal(
    nearestLine(DNAT_OUTPUT),
    '-A OUTPUT -d 172.16.0.2/32 -p tcp -m tcp --dport 5001 -j DNAT --to-destination 172.18.0.10:5000',
  );
  t.equal(nearestLine(MASQUERADE), '-A POSTROUTING -s 172.18.0.0/16 -o br0 -j MASQUERADE');
  t.equal(
    nearestLine('iptables -t nat -A POSTROUTING -o eth0 -j SNAT --to-source 172.16.0.2'),
    undefined,
    'no SNAT rule at all',
  );
});

t.test('nearest prefers the rule sharing the most options', async (t) => {
  const rules = rulesOf('common-forms.txt');
  const { table, chain, args } = typed(
    'iptables -t nat -A PREROUTING -d 172.16.0.3 -p udp --dport 53 -j DNAT --to-destination 172.18.0.12',
  );
  t.equal(
    findRule(rules, table, chain, args).nearest?.line,
    '-A PREROUTING -d 172.16.0.3/32 -p udp -m udp --dport 53 -j DNAT --to-destination 172.18.0.11',
  );
});

t.test('long options equal short ones', async (t) => {
  t.ok(
    sameRule(typed(MASQUERADE).args, [
      '--source',
      '172.18.0.0/16',
      '!',
      '--out-interface',
      'br0',
      '--jump',
      'MASQUERADE',
    ]),
  );
  t.ok(sameRule(['-i', 'br0', '-j', 'ACCEPT'], ['--in-interface', 'br0', '--jump', 'ACCEPT']));
  t.ok(
    sameRule(
      typed(DNAT_PREROUTING).args,
      tokenizeRule(
        '--dst 172.16.0.2/32 --protocol tcp --match tcp --destination-port 5000 --jump DNAT --to-destination 172.18.0.10:5000',
      ),
    ),
  );
  t.ok(sameRule(['-p', 'udp', '--source-port', '53', '-j', 'ACCEPT'], ['-p', 'udp', '--sport', '53', '-j', 'ACCEPT']));
  t.ok(sameRule(['--src', '10.0.0.1', '--goto', 'LAB'], ['-s', '10.0.0.1/32', '-g', 'LAB']));
  t.ok(
    sameRule(
      ['--dest', '10.0.0.1', '-j', 'DNAT', '--to', '10.0.0.2'],
      ['-d', '10.0.0.1', '-j', 'DNAT', '--to-destination', '10.0.0.2'],
    ),
    'getopt abbreviations',
  );
  t.notOk(sameRule(['-j', 'DNAT', '--to', '10.0.0.2'], ['-j', 'SNAT', '--to-source', '10.0.0.2']));
});

t.test('normalizeRule gives one canonical spelling', async (t) => {
  t.strictSame(normalizeRule(typed(DNAT_PREROUTING).args), [
    '-d',
    '172.16.0.2/32',
    '-p',
    'tcp',
    '--dport',
    '5000',
    '-j',
    'DNAT',
    '--to-destination',
    '172.18.0.10:5000',
  ]);
  t.strictSame(
    normalizeRule(['-j', 'MASQUERADE', '!', '-o', 'br0', '-s', '172.18.0.0/16']),
    ['-s', '172.18.0.0/16', '!', '-o', 'br0', '-j', 'MASQUERADE'],
    'core options in iptables-save order',
  );
  t.strictSame(
    normalizeRule([
      '-m',
      'comment',
      '--comment',
      'x y',
      '-p',
      'tcp',
      '--dport',
      '80',
      '-m',
      'conntrack',
      '--ctstate',
      'NEW',
    ]),
    ['-p', 'tcp', '--dport', '80', '-m', 'comment', '--comment', 'x y', '-m', 'conntrack', '--ctstate', 'NEW'],
    'a module keeps its options; options after a core option belong to the protocol again',
  );
  t.strictSame(
    normalizeRule(['-s', 'fe80::1', '-d', 'FE80::/64']),
    ['-s', 'fe80::1/128', '-d', 'fe80::/64'],
    'IPv6 addresses',
  );
  t.strictSame(
    normalizeRule(['-s', 'gateway', '-d', '300.1.2.3', '-j', 'ACCEPT']),
    ['-s', 'gateway', '-d', '300.1.2.3', '-j', 'ACCEPT'],
    'names are left alone',
  );
  t.strictSame(
    normalizeRule(['-s', '10.1.2.3/255.0.255.0', '-d', '10.1.2.3/255.255.0.0']),
    ['-s', '10.0.2.0/255.0.255.0', '-d', '10.1.0.0/16'],
    'dotted masks',
  );
  t.strictSame(normalizeRule(['-d', '10.1.2.3/bogus', '-s', '0/0']), ['-d', '10.1.2.3/bogus']);
  t.strictSame(
    normalizeRule(['!', '-s', '0.0.0.0/0', '-o', '+']),
    ['!', '-s', '0.0.0.0/0'],
    'a negated match-all is kept',
  );
  t.strictSame(normalizeRule(['-j', 'LOG', '--log-level', 'info']), ['-j', 'LOG', '--log-level', '6']);
  t.strictSame(
    normalizeRule(['stray', '-j', 'ACCEPT']),
    ['stray', '-j', 'ACCEPT'],
    'a value before any option is kept',
  );
  t.strictSame(
    normalizeRule(['-m', 'comment', '--comment', '!']),
    ['-m', 'comment', '--comment', '!'],
    'a trailing ! is a value',
  );
  t.strictSame(normalizeRule(['-s', '10.1.2.3/0', '-j', 'ACCEPT']), ['-j', 'ACCEPT'], 'a /0 source matches everything');
});

t.test('malformed specs normalize without throwing', async (t) => {
  t.strictSame(normalizeRule(['-m', '-j', '--x']), ['-m', '', '-j', '--x']);
  t.strictSame(normalizeRule(['-p', 'tcp', '--dport', '1', '--dport', '1']), [
    '-p',
    'tcp',
    '--dport',
    '1',
    '--dport',
    '1',
  ]);
});

t.test('match options compare as a set, the target stays last with its own options', async (t) => {
  t.ok(
    sameRule(
      ['-p', 'tcp', '--sport', '1000', '--dport', '22', '-j', 'ACCEPT'],
      ['-p', 'tcp', '-m', 'tcp', '--dport', '22', '--sport', '1000', '-j', 'ACCEPT'],
    ),
  );
  t.ok(sameRule(['-j', 'ACCEPT', '-i', 'br0'], ['-i', 'br0', '-j', 'ACCEPT']), 'a core option after -j still matches');
  t.ok(
    sameRule(
      ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED'],
      ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'],
    ),
  );
  t.notOk(
    sameRule(['-m', 'comment', '--comment', 'a', '-j', 'ACCEPT'], ['-m', 'comment', '--comment', 'b', '-j', 'ACCEPT']),
  );
  t.notOk(sameRule(['!', '-o', 'br0', '-j', 'MASQUERADE'], ['-o', 'br0', '-j', 'MASQUERADE']), 'negation matters');
  t.notOk(
    sameRule(['-j', 'DNAT', '--to-destination', '172.18.0.10'], ['-j', 'DNAT', '--to-destination', '172.18.0.10:5000']),
  );
});

t.test('formatRule prints a command a learner can paste back', async (t) => {
  const dnat = rulesOf('tutorial.txt').find((r) => r.chain === 'PREROUTING')!;
  t.equal(
    formatRule(dnat.table, dnat.chain, dnat.args),
    'iptables -t nat -A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
  );
  t.equal(
    formatRule('filter', 'FORWARD', ['!', '-o', 'br0', '-j', 'ACCEPT']),
    'iptables -A FORWARD ! -o br0 -j ACCEPT',
    'no -t for the default table',
  );
  const odd = [
    '-m',
    'comment',
    '--comment',
    'lab masquerade',
    '--comment',
    'it\'s "q"',
    '--comment',
    '',
    '--comment',
    '!x',
    '-j',
    'LOG',
    '--log-prefix',
    'new conn: ',
  ];
  const line = formatRule('filter', 'INPUT', odd);
  t.equal(
    line,
    `iptables -A INPUT -m comment --comment "lab masquerade" --comment 'it'\\''s "q"' --comment "" --comment '!x' -j LOG --log-prefix "new conn: "`,
  );
  t.strictSame(tokenizeRule(line).slice(3), odd, 'quoting survives a round trip');
});
