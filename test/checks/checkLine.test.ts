import t from 'tap';
import {
  ArgReader,
  CheckSyntaxError,
  readIfname,
  readNamespace,
  tokenizeCheckLine,
  type Token,
} from '../../checks/checkLine.js';

const reader = (line: string): ArgReader => new ArgReader(tokenizeCheckLine(line), line.trimEnd().length);

/** The CheckSyntaxError fn throws, as message and offset. */
function thrown(fn: () => unknown): { message: string; offset: number } | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof CheckSyntaxError)) throw e;
    return { message: e.message, offset: e.offset };
  }
}

t.test('tokens are split on whitespace and keep their offsets', async (t) => {
  t.strictSame(tokenizeCheckLine('link  br0\tup '), [
    { text: 'link', offset: 0 },
    { text: 'br0', offset: 6 },
    { text: 'up', offset: 10 },
  ]);
  t.strictSame(tokenizeCheckLine(''), []);
  t.strictSame(tokenizeCheckLine(' \t '), []);
});

t.test('double quotes keep spaces together and are removed', async (t) => {
  t.strictSame(tokenizeCheckLine('link br0 hint="ip link set br0 up" up'), [
    { text: 'link', offset: 0 },
    { text: 'br0', offset: 5 },
    { text: 'hint=ip link set br0 up', offset: 9 },
    { text: 'up', offset: 35 },
  ]);
});

t.test('quoted parts join the text around them into one token', async (t) => {
  t.strictSame(tokenizeCheckLine('a"b c"d "e"'), [
    { text: 'ab cd', offset: 0 },
    { text: 'e', offset: 8 },
  ]);
});

t.test('an empty pair of quotes is an empty token', async (t) => {
  t.strictSame(tokenizeCheckLine('contains=""'), [{ text: 'contains=', offset: 0 }]);
  t.strictSame(tokenizeCheckLine('""'), [{ text: '', offset: 0 }]);
});

t.test('a # at the start of a token starts a comment; inside a token or quotes it is text', async (t) => {
  t.strictSame(
    tokenizeCheckLine('netns a # the rest "is ignored').map((x) => x.text),
    ['netns', 'a'],
  );
  t.strictSame(
    tokenizeCheckLine('a#b title="#1" #c').map((x) => x.text),
    ['a#b', 'title=#1'],
  );
});

t.test('an unterminated quote is an error at the opening quote', async (t) => {
  t.strictSame(
    thrown(() => tokenizeCheckLine('link br0 hint="ip link')),
    { message: 'Unexpected end of line, expected a closing `"`', offset: 14 },
  );
  t.strictSame(
    thrown(() => tokenizeCheckLine('"')),
    { message: 'Unexpected end of line, expected a closing `"`', offset: 0 },
  );
  t.strictSame(
    thrown(() => tokenizeCheckLine('a "b" "c')),
    { message: 'Unexpected end of line, expected a closing `"`', offset: 6 },
  );
});

t.test('positional skips key=value options and returns tokens in order', async (t) => {
  const r = reader('in=netns0 br0 type=veth up');
  t.strictSame(r.positional('a name'), { text: 'br0', offset: 10 });
  t.strictSame(r.positional('a state'), { text: 'up', offset: 24 });
});

t.test('a missing positional is an "Unexpected end of line" at the end offset', async (t) => {
  const r = reader('in=netns0   ');
  t.strictSame(
    thrown(() => r.positional('an interface name')),
    { message: 'Unexpected end of line, expected an interface name', offset: 9 },
  );
});

t.test('optionalPositional returns null when nothing is left', async (t) => {
  const r = reader('a in=x');
  t.strictSame(r.optionalPositional(), { text: 'a', offset: 0 });
  t.equal(r.optionalPositional(), null);
});

t.test('option returns the value with the offset just after the =', async (t) => {
  const r = reader('br0 master=br1 in=netns0');
  t.strictSame(r.option('in'), { text: 'netns0', offset: 18 });
  t.strictSame(r.option('master'), { text: 'br1', offset: 11 });
  t.equal(r.option('master'), null, 'an option is consumed once');
  t.equal(r.option('type'), null);
});

t.test('an option name must match exactly up to the =', async (t) => {
  const r = reader('inside=x');
  t.equal(r.option('in'), null);
});

t.test('flag consumes one bare word and nothing else', async (t) => {
  const r = reader('up up=1 down');
  t.equal(r.flag('up'), true);
  t.equal(r.flag('up'), false, 'up=1 is not the flag up');
  t.equal(r.flag('absent'), false);
  t.equal(r.flag('down'), true);
});

t.test('rest returns every unused token, in line order, and consumes them', async (t) => {
  const r = reader('nat POSTROUTING -s 172.18.0.0/16 in=host ! -o br0 -j MASQUERADE');
  t.equal(r.option('in')?.text, 'host');
  r.positional('table');
  r.positional('chain');
  t.strictSame(
    r.rest().map((x: Token) => x.text),
    ['-s', '172.18.0.0/16', '!', '-o', 'br0', '-j', 'MASQUERADE'],
  );
  t.strictSame(r.rest(), []);
  r.done('nothing');
});

t.test('done rejects the first leftover token, at its offset', async (t) => {
  const r = reader('br0 up sideways colour=red');
  r.positional('a name');
  r.flag('up');
  t.strictSame(
    thrown(() => r.done('up or down')),
    { message: 'Unexpected `sideways`, expected up or down', offset: 7 },
  );
  r.flag('sideways');
  t.strictSame(
    thrown(() => r.done('up or down')),
    { message: 'Unexpected `colour=red`, expected up or down', offset: 16 },
  );
  r.option('colour');
  t.equal(
    thrown(() => r.done('up or down')),
    null,
  );
});

t.test('readNamespace defaults to host and takes host, outside or a netns name', async (t) => {
  t.equal(readNamespace(reader('br0'), 'in'), 'host');
  t.equal(readNamespace(reader('br0 in=netns0'), 'in'), 'netns0');
  t.equal(readNamespace(reader('from=outside 1.2.3.4'), 'from'), 'outside');
  t.equal(readNamespace(reader('from=outside'), 'in'), 'host', 'only the given key is read');
});

t.test('readNamespace rejects a path at the value offset', async (t) => {
  t.strictSame(
    thrown(() => readNamespace(reader('br0 in=/run/netns/x'), 'in')),
    {
      message: 'Unexpected namespace `/run/netns/x`, expected host, outside or a netns name',
      offset: 7,
    },
  );
  t.strictSame(
    thrown(() => readNamespace(reader('br0 in='), 'in')),
    {
      message: 'Unexpected namespace ``, expected host, outside or a netns name',
      offset: 7,
    },
  );
});

t.test('readIfname takes up to 15 characters of letters, digits, . _ @ -', async (t) => {
  t.equal(readIfname({ text: 'veth0', offset: 0 }), 'veth0');
  t.equal(readIfname({ text: 'br-1.100_x@y', offset: 0 }), 'br-1.100_x@y');
  t.equal(readIfname({ text: 'a'.repeat(15), offset: 0 }), 'a'.repeat(15));
  const message = (name: string): string =>
    `Unexpected interface name \`${name}\`, expected at most 15 letters, digits, '.', '_' or '-'`;
  t.strictSame(
    thrown(() => readIfname({ text: 'a'.repeat(16), offset: 3 })),
    { message: message('a'.repeat(16)), offset: 3 },
  );
  t.strictSame(
    thrown(() => readIfname({ text: 'br 0', offset: 5 })),
    { message: message('br 0'), offset: 5 },
  );
  t.strictSame(
    thrown(() => readIfname({ text: 'a/b', offset: 0 })),
    { message: message('a/b'), offset: 0 },
  );
});
