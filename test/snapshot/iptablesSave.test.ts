import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseIptablesSave } from '../../src/snapshot/iptablesSave.js';

// Real `iptables-save` output (iptables 1.8.9 nf_tables), captured inside `unshare --net`.
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/iptables/${name}`, import.meta.url), 'utf8');

t.test('the tutorial rules come back as two tables with policies, chains and rules', async (t) => {
  const tables = parseIptablesSave(fixture('tutorial.txt'));
  t.strictSame(Object.keys(tables), ['filter', 'nat']);
  t.strictSame(tables.filter?.policies, { INPUT: 'ACCEPT', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
  t.strictSame(tables.nat?.chains, ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  t.strictSame(tables.filter?.rules, [
    { table: 'filter', chain: 'FORWARD', args: ['-i', 'br0', '-j', 'ACCEPT'], line: '-A FORWARD -i br0 -j ACCEPT' },
  ]);
  t.strictSame(
    tables.nat?.rules.map((r) => [r.chain, r.args.join(' ')]),
    [
      ['PREROUTING', '-d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000'],
      ['OUTPUT', '-d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000'],
      ['POSTROUTING', '-s 172.18.0.0/16 ! -o br0 -j MASQUERADE'],
    ],
  );
});

t.test('a namespace with no rules ever added prints nothing, which parses to no tables', async (t) => {
  t.equal(fixture('empty.txt'), '');
  t.strictSame(parseIptablesSave(fixture('empty.txt')), {});
});

t.test('a user chain is listed without a policy', async (t) => {
  const filter = parseIptablesSave(fixture('common-forms.txt')).filter;
  t.strictSame(filter?.chains, ['INPUT', 'FORWARD', 'OUTPUT', 'LAB']);
  t.notOk(filter && 'LAB' in filter.policies);
  t.strictSame(
    filter?.rules.filter((r) => r.chain === 'LAB').map((r) => r.args),
    [['-d', '10.0.0.0/8', '-j', 'RETURN']],
  );
});

t.test('quoted values become single unquoted arguments', async (t) => {
  const tables = parseIptablesSave(fixture('common-forms.txt'));
  const args = [...(tables.filter?.rules ?? []), ...(tables.nat?.rules ?? [])].map((r) => r.args);
  t.ok(args.some((a) => a.join('|') === '-s|10.0.0.0/24|-o|eth0|-m|comment|--comment|lab masquerade|-j|MASQUERADE'));
  t.ok(args.some((a) => a.join('|') === '-m|state|--state|NEW|-j|LOG|--log-prefix|new conn: '));
  t.ok(
    args.some((a) => a.includes('single')),
    'a one-word comment is printed without quotes',
  );
});

t.test('escaped quotes and an empty comment are unescaped as iptables-restore would', async (t) => {
  const comments = (parseIptablesSave(fixture('rewrites.txt')).filter?.rules ?? [])
    .filter((r) => r.args.includes('--comment'))
    .map((r) => r.args[r.args.indexOf('--comment') + 1]);
  t.strictSame(comments, ['lab rule', 'it\'s "quoted"', '']);
});

t.test('packet counters printed by iptables-save -c are not part of the rule', async (t) => {
  const nat = parseIptablesSave(fixture('counters.txt')).nat;
  t.equal(nat?.rules.length, 2);
  t.equal(nat?.rules[1]?.line, '-A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE');
  t.strictSame(nat?.rules[1]?.args, ['-s', '172.18.0.0/16', '!', '-o', 'br0', '-j', 'MASQUERADE']);
});

t.test('a duplicated -A rule is kept twice, in order', async (t) => {
  const prerouting =
    parseIptablesSave(fixture('common-forms.txt')).nat?.rules.filter((r) => r.chain === 'PREROUTING') ?? [];
  t.equal(prerouting.length, 3);
  t.equal(prerouting[0]?.line, prerouting[1]?.line);
});

t.test('comments, CRLF, lines outside a table and a table printed twice are handled', async (t) => {
  const text = [
    '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them',
    '-A INPUT -j DROP',
    '*nat',
    ':POSTROUTING ACCEPT [12:720]',
    '-A POSTROUTING -j MASQUERADE',
    'COMMIT',
    '-A OUTPUT -j DROP',
    '*nat',
    '-A DOCKER -j RETURN',
    '-N IGNORED',
    '-A',
    'COMMIT',
    '',
  ].join('\r\n');
  t.strictSame(parseIptablesSave(text), {
    nat: {
      name: 'nat',
      policies: { POSTROUTING: 'ACCEPT' },
      chains: ['POSTROUTING', 'DOCKER'],
      rules: [
        { table: 'nat', chain: 'POSTROUTING', args: ['-j', 'MASQUERADE'], line: '-A POSTROUTING -j MASQUERADE' },
        { table: 'nat', chain: 'DOCKER', args: ['-j', 'RETURN'], line: '-A DOCKER -j RETURN' },
      ],
    },
  });
});
