import t from 'tap';
import { graphFormat } from '../../../src/cli/commands/graphCommand.js';
import { UserError } from '../../../src/core/errors.js';

t.test('the extension of -o decides the format', async (t) => {
  t.equal(graphFormat('net.svg', undefined, true), 'svg');
  t.equal(graphFormat('out/NET.SVG', undefined, false), 'svg');
  t.equal(graphFormat('net.dot', undefined, true), 'dot');
  t.equal(graphFormat('net.gv', undefined, true), 'dot');
});

t.test('without -o: a summary on a terminal, SVG when piped or redirected', async (t) => {
  t.equal(graphFormat(undefined, undefined, true), 'text');
  t.equal(graphFormat(undefined, undefined, false), 'svg');
});

t.test('--format wins over the extension', async (t) => {
  t.equal(graphFormat('picture', 'svg', true), 'svg');
  t.equal(graphFormat('net.svg', 'dot', true), 'dot');
  t.equal(graphFormat(undefined, 'dot', true), 'dot');
});

t.test('an extension it cannot draw, or text into a file, is a usage error', async (t) => {
  const error = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return null;
  };
  const png = error(() => graphFormat('net.png', undefined, true));
  t.ok(png instanceof UserError, 'exit 2');
  t.match(png, { message: 'Cannot tell the format of "net.png" from its name.', help: /-o FILE\.svg/ });
  t.match(
    error(() => graphFormat('network', undefined, true)),
    { message: /Cannot tell the format of "network"/ },
  );
  const text = error(() => graphFormat('net.txt', 'text', true));
  t.ok(text instanceof UserError);
  t.match(text, { message: /--format text is for the terminal/ });
});
