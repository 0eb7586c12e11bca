import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { syntaxError } from '../helpers/snapshot.js';

t.test('every kind in the lesson format is registered under its own name', async (t) => {
  t.strictSame(Object.keys(checkKinds), [
    'netns',
    'link',
    'addr',
    'route',
    'sysctl',
    'rule',
    'listening',
    'ping',
    'http',
  ]);
  for (const [name, kind] of Object.entries(checkKinds)) {
    t.equal(kind.kind, name);
    t.ok(kind.usage.startsWith(`${name} `), `${name} usage starts with the kind`);
    t.ok(Boolean(kind.evaluate) !== Boolean(kind.probe), `${name} either evaluates a snapshot or probes`);
  }
});

t.test('a blank line or a comment is not a check', async (t) => {
  t.equal(parseCheckLine(''), null);
  t.equal(parseCheckLine('   '), null);
  t.equal(parseCheckLine('# only a comment'), null);
  t.equal(parseCheckLine('   # indented comment "with an unterminated quote'), null);
});

t.test('a check without options gets the defaults: generated title, no id, one point, no hint', async (t) => {
  t.strictSame(parseCheckLine('link br0 up'), {
    kind: 'link',
    args: { name: 'br0', ns: 'host', type: null, state: 'up', master: null, absent: false },
    title: 'br0 exists in the host: up',
    id: null,
    points: 1,
    hint: null,
    transient: false,
  });
});

t.test('id, title, points and hint are read from any position and never reach the kind', async (t) => {
  const parsed = parseCheckLine('link id=br0-up br0 title="the bridge is up" up points=3 hint="ip link set br0 up"');
  t.strictSame(parsed, {
    kind: 'link',
    args: { name: 'br0', ns: 'host', type: null, state: 'up', master: null, absent: false },
    title: 'the bridge is up',
    id: 'br0-up',
    points: 3,
    hint: 'ip link set br0 up',
    transient: false,
  });
});

t.test('an id may hold the characters of a default id such as lesson-6:2.1', async (t) => {
  t.equal(parseCheckLine('netns netns0 id=lesson-6:2.1')?.id, 'lesson-6:2.1');
  t.equal(parseCheckLine('netns netns0 id=a/b_c')?.id, 'a/b_c');
});

t.test('a trailing comment is ignored', async (t) => {
  t.equal(parseCheckLine('netns netns0 # made in step 1')?.title, 'namespace netns0 exists');
});

t.test('an unknown kind is reported at the offset of the kind, listing the known kinds', async (t) => {
  const expected =
    'Unexpected check kind `bridge`, expected one of netns, link, addr, route, sysctl, rule, listening, ping, http';
  t.strictSame(syntaxError('bridge br0 up'), { message: expected, offset: 0 });
  t.strictSame(syntaxError('  bridge br0 up'), { message: expected, offset: 2 });
});

t.test('points must be a whole number, reported at the value', async (t) => {
  t.strictSame(syntaxError('netns netns0 points=two'), {
    message: 'Unexpected points `two`, expected a whole number',
    offset: 20,
  });
  t.strictSame(syntaxError('netns netns0 points=-1'), {
    message: 'Unexpected points `-1`, expected a whole number',
    offset: 20,
  });
  t.strictSame(syntaxError('netns netns0 points=1.5'), {
    message: 'Unexpected points `1.5`, expected a whole number',
    offset: 20,
  });
  t.equal(parseCheckLine('netns netns0 points=0')?.points, 0);
});

t.test('an id with a space or a quote is reported at the value', async (t) => {
  t.strictSame(syntaxError('netns netns0 id="a b"'), {
    message: 'Unexpected id `a b`, expected letters, digits and . : / _ -',
    offset: 16,
  });
});

t.test('"Unexpected end of line" errors from a kind get its usage appended', async (t) => {
  t.strictSame(syntaxError('addr'), {
    message:
      'Unexpected end of line, expected an address such as 172.18.0.10/16 (usage: addr CIDR dev=NAME [in=NS] [absent])',
    offset: 4,
  });
  t.strictSame(syntaxError('addr 172.18.0.1/16   '), {
    message: 'Unexpected end of line, expected dev=NAME (usage: addr CIDR dev=NAME [in=NS] [absent])',
    offset: 18,
  });
  t.strictSame(syntaxError('ping'), {
    message: 'Unexpected end of line, expected an IPv4 address (usage: ping ADDR [from=NS] [fails])',
    offset: 4,
  });
});

t.test('other errors from a kind keep their message and offset, without the usage', async (t) => {
  t.strictSame(syntaxError('addr 172.18.0.1 dev=br0'), {
    message: 'Unexpected address `172.18.0.1`, expected IPv4 with a prefix length such as 172.18.0.10/16',
    offset: 5,
  });
  t.strictSame(syntaxError('netns netns0 extra'), {
    message: 'Unexpected `extra`, expected `absent` or nothing',
    offset: 13,
  });
});

t.test('an unknown option is left over and reported where it stands', async (t) => {
  t.strictSame(syntaxError('netns netns0 colour=red'), {
    message: 'Unexpected `colour=red`, expected `absent` or nothing',
    offset: 13,
  });
});

t.test('an unterminated quote is a syntax error at the quote', async (t) => {
  t.strictSame(syntaxError('link br0 up hint="ip link set'), {
    message: 'Unexpected end of line, expected a closing `"`',
    offset: 17,
  });
});

t.test('transient marks a claim that holds only right after its step', async (t) => {
  t.equal(parseCheckLine('ping 203.0.113.1 from=netns0 fails transient')!.transient, true);
  t.equal(parseCheckLine('ping 203.0.113.1 from=netns0 fails')!.transient, false);
});
