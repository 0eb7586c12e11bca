import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { parseSnapshotOutput } from '../../src/snapshot/snapshotScript.js';
import { fixOf, fixtureNeeds, judge, snapshotOf, snapshotText, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');
const after7 = snapshotOf('after-lesson-7');

// The tutorial's rules as typed; iptables-save printed them back as `-d 172.16.0.2/32 -p tcp -m tcp …`.
const MASQUERADE = 'rule nat POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE';
const DNAT = 'rule nat PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000';

t.test('a rule is found though the kernel rewrote it (-d X as -d X/32, an implicit -m tcp)', async (t) => {
  t.strictSame(judge(DNAT, after7), {
    ok: true,
    message:
      'found: -A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
    passes: true,
  });
  t.equal(
    judge(
      'rule nat OUTPUT -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
      after7,
    ).ok,
    true,
    'as saved',
  );
  t.equal(
    judge(
      'rule nat OUTPUT -p tcp --destination 172.16.0.2 --dport 5000 -j DNAT --to-destination 172.18.0.10:5000',
      after7,
    ).ok,
    true,
    'reordered, long option',
  );
});

t.test('the masquerade rule with its negation is found', async (t) => {
  t.strictSame(judge(MASQUERADE, after7), {
    ok: true,
    message: 'found: -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    passes: true,
  });
});

t.test('a rule with the wrong port is not found, and the nearest rule is mentioned', async (t) => {
  t.strictSame(
    judge('rule nat PREROUTING -d 172.16.0.2 -p tcp --dport 5001 -j DNAT --to-destination 172.18.0.10:5000', after7),
    {
      ok: false,
      message:
        'not in nat PREROUTING; nearest: -A PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000; ' +
        'expected iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp --dport 5001 -j DNAT --to-destination 172.18.0.10:5000',
      passes: false,
    },
  );
});

t.test('a rule without the negation is not the rule with it', async (t) => {
  const v = judge('rule nat POSTROUTING -s 172.18.0.0/16 -o br0 -j MASQUERADE', after7);
  t.equal(v.ok, false);
  t.match(v.message, /; nearest: -A POSTROUTING -s 172\.18\.0\.0\/16 ! -o br0 -j MASQUERADE;/);
});

t.test('a rule with another target has no nearest rule', async (t) => {
  t.strictSame(judge('rule nat POSTROUTING -s 172.18.0.0/16 ! -o br0 -j SNAT --to-source 172.16.0.2', after7), {
    ok: false,
    message:
      'not in nat POSTROUTING; expected iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j SNAT --to-source 172.16.0.2',
    passes: false,
  });
});

t.test('a rule in the right table but another chain is not found', async (t) => {
  t.equal(
    judge('rule nat INPUT -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000', after7).ok,
    false,
  );
});

t.test('before lesson 7 there is no nat table: not found, absent passes', async (t) => {
  t.strictSame(judge(MASQUERADE, after4), {
    ok: false,
    message: 'not in nat POSTROUTING; expected iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
    passes: false,
  });
  t.equal(judge(`${MASQUERADE} absent`, after4).passes, true);
  t.equal(judge(`${MASQUERADE} absent`, after7).passes, false);
});

t.test('the filter table is the default table of the expected command', async (t) => {
  t.strictSame(judge('rule filter FORWARD -i br0 -j ACCEPT', after7), {
    ok: false,
    message: 'not in filter FORWARD; expected iptables -A FORWARD -i br0 -j ACCEPT',
    passes: false,
  });
});

t.test('rules are per namespace; a missing namespace fails', async (t) => {
  t.equal(judge(`${MASQUERADE} in=netns0`, after7).ok, false);
  t.strictSame(judge(`${MASQUERADE} in=nosuch`, after7), {
    ok: false,
    message: 'netns nosuch does not exist',
    passes: false,
  });
});

t.test('a rule appended twice is found, and the message counts the copies', async (t) => {
  const line = '-A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE';
  const twice = snapshotText('after-lesson-7').replace(`${line}\n`, `${line}\n${line}\n`);
  const s = parseSnapshotOutput(twice, fixtureNeeds);
  t.strictSame(judge(MASQUERADE, s), {
    ok: true,
    message: `found: ${line} (2 copies: iptables -A appends again when run twice)`,
    passes: true,
  });
});

t.test('the parsed arguments keep the spec as written; options are taken out of it', async (t) => {
  const parsed = parseCheckLine(`${MASQUERADE} in=host id=masq absent`)!;
  t.strictSame(parsed.args, {
    table: 'nat',
    chain: 'POSTROUTING',
    spec: ['-s', '172.18.0.0/16', '!', '-o', 'br0', '-j', 'MASQUERADE'],
    ns: 'host',
    absent: true,
  });
  t.equal(parsed.id, 'masq');
  t.equal(parsed.title, 'the host lacks the rule POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE (nat)');
  t.equal(
    parseCheckLine(MASQUERADE)!.title,
    'the host has the rule POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE (nat)',
  );
  t.strictSame(checkKinds.rule!.needs(parsed.args), [{ ns: 'host', part: 'iptables' }]);
});

t.test('a quoted comment stays one argument', async (t) => {
  t.strictSame(parseCheckLine('rule filter INPUT -m comment --comment "allow web" -j ACCEPT')!.args.spec, [
    '-m',
    'comment',
    '--comment',
    'allow web',
    '-j',
    'ACCEPT',
  ]);
});

t.test('an unknown table, a bad chain or a rule without -j TARGET is a syntax error', async (t) => {
  t.strictSame(syntaxError('rule nats POSTROUTING -j MASQUERADE'), {
    message: 'Unexpected table `nats`, expected one of filter, nat, mangle, raw, security',
    offset: 5,
  });
  t.strictSame(syntaxError('rule nat -A POSTROUTING -j MASQUERADE'), {
    message: 'Unexpected chain `-A`, expected a chain name such as POSTROUTING',
    offset: 9,
  });
  t.strictSame(syntaxError('rule nat POSTROUTING -s 172.18.0.0/16'), {
    message: 'Unexpected end of rule, expected `-j TARGET`',
    offset: 24,
  });
  t.strictSame(syntaxError('rule nat POSTROUTING -s 172.18.0.0/16 -j'), {
    message: 'Unexpected end of rule, expected `-j TARGET`',
    offset: 38,
  });
  t.strictSame(syntaxError('rule nat POSTROUTING'), {
    message: 'Unexpected end of rule, expected `-j TARGET`',
    offset: 9,
  });
  t.strictSame(syntaxError('rule nat'), {
    message:
      'Unexpected end of line, expected a chain such as POSTROUTING (usage: rule TABLE CHAIN RULESPEC… [in=NS] [absent])',
    offset: 8,
  });
});

t.test('the fix appends a missing rule, and deletes first one that matches the same packets', async (t) => {
  t.equal(
    fixOf(
      'rule nat POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE',
      snapshotOf('web-bridge-forward-fixed-nat-gone'),
    ),
    'iptables -t nat -A POSTROUTING -s 10.40.0.0/24 ! -o br-web -j MASQUERADE',
  );
  t.equal(
    fixOf(
      'rule nat PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5001',
      snapshotOf('after-lesson-7'),
    ),
    'iptables -t nat -D PREROUTING -d 172.16.0.2/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5000; iptables -t nat -A PREROUTING -d 172.16.0.2 -p tcp --dport 5000 -j DNAT --to-destination 172.18.0.10:5001',
  );
  t.equal(fixOf('rule nat POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE', snapshotOf('after-lesson-7')), null);
  t.equal(
    fixOf('rule filter FORWARD -i docker0 -j ACCEPT absent', snapshotOf('web-bridge-docker-forward')),
    'iptables -D FORWARD -i docker0 -j ACCEPT',
  );
});
