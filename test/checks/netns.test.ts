import t from 'tap';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { fixOf, judge, snapshotOf, syntaxError } from '../helpers/snapshot.js';

const after4 = snapshotOf('after-lesson-4');

t.test('a namespace listed by ip netns exists', async (t) => {
  t.strictSame(judge('netns netns0', after4), { ok: true, message: 'netns0 is listed by ip netns', passes: true });
  t.strictSame(judge('netns netns1', after4), { ok: true, message: 'netns1 is listed by ip netns', passes: true });
});

t.test('a namespace that is not listed fails, naming the ones that are', async (t) => {
  t.strictSame(judge('netns nosuch', after4), {
    ok: false,
    message: 'nosuch is not listed by ip netns (listed: netns1, netns0)',
    passes: false,
  });
});

t.test('with no namespace at all the message says none', async (t) => {
  t.strictSame(judge('netns netns0', { netns: [], spaces: {} }), {
    ok: false,
    message: 'netns0 is not listed by ip netns (listed: none)',
    passes: false,
  });
});

t.test('absent turns the claim around', async (t) => {
  t.equal(judge('netns nosuch absent', after4).passes, true);
  t.strictSame(judge('netns netns0 absent', after4), {
    ok: true,
    message: 'netns0 is listed by ip netns',
    passes: false,
  });
});

t.test('the title and needs follow the arguments', async (t) => {
  t.equal(parseCheckLine('netns netns0')!.title, 'namespace netns0 exists');
  t.equal(parseCheckLine('netns netns0 absent')!.title, 'namespace netns0 is gone');
  t.strictSame(checkKinds.netns!.needs(parseCheckLine('netns netns0')!.args), [{ ns: 'host', part: 'netns' }]);
});

t.test('a missing name, a bad name or a leftover word is a syntax error at its offset', async (t) => {
  t.strictSame(syntaxError('netns'), {
    message: 'Unexpected end of line, expected a namespace name (usage: netns NAME [absent])',
    offset: 5,
  });
  t.strictSame(syntaxError('netns a/b'), {
    message: "Unexpected namespace name `a/b`, expected letters, digits, '.', '_' or '-'",
    offset: 6,
  });
  t.strictSame(syntaxError('netns netns0 gone'), {
    message: 'Unexpected `gone`, expected `absent` or nothing',
    offset: 13,
  });
});

t.test('the fix adds a missing namespace, or deletes one claimed gone', async (t) => {
  t.equal(fixOf('netns netns0', snapshotOf('nothing-built')), 'ip netns add netns0');
  t.equal(fixOf('netns netns0', snapshotOf('after-lesson-7')), null);
  t.equal(fixOf('netns netns0 absent', snapshotOf('after-lesson-7')), 'ip netns delete netns0');
});
