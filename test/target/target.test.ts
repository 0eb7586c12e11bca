import t from 'tap';
import { UserError } from '../../src/core/errors.js';
import { formatSpec, localSpec, parseTargetSpec } from '../../src/target/target.js';

function userError(text: string): { message: string; help: string | null } | null {
  try {
    parseTargetSpec(text);
    return null;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { message: e.message, help: e.help };
  }
}

const UNKNOWN_HELP =
  'Use --target lab (the default, same as lab:default), lab:NAME, host, pid:PID, or (to grade) ssh://[user@]host[:port] or ssh:ALIAS.';
const NAME_HELP = 'A lab name is 1 to 32 lowercase letters, digits, "-" or "_", starting with a letter or digit.';

t.test('lab alone is the default lab', async (t) => {
  t.strictSame(parseTargetSpec('lab'), { kind: 'lab', name: 'default' });
});

t.test('lab:NAME names a lab', async (t) => {
  t.strictSame(parseTargetSpec('lab:ci-1'), { kind: 'lab', name: 'ci-1' });
  t.strictSame(parseTargetSpec('lab:a_b'), { kind: 'lab', name: 'a_b' });
  t.strictSame(parseTargetSpec(`lab:${'a'.repeat(32)}`), { kind: 'lab', name: 'a'.repeat(32) });
});

t.test('host is the real host', async (t) => {
  t.strictSame(parseTargetSpec('host'), { kind: 'host' });
});

t.test('pid:N is the namespaces of a process', async (t) => {
  t.strictSame(parseTargetSpec('pid:1234'), { kind: 'pid', pid: 1234 });
});

t.test('a bad lab name is a UserError that says what a name may hold', async (t) => {
  for (const name of ['Dev', '-x', '_x', 'a b', 'a/b', 'a.b', 'a'.repeat(33)]) {
    t.strictSame(userError(`lab:${name}`), { message: `Invalid lab name "${name}".`, help: NAME_HELP }, name);
  }
});

t.test('anything else is an unknown target, with the forms that are known', async (t) => {
  for (const text of ['', 'lab:', 'labs', 'Host', 'docker', 'pid:', 'pid:abc', 'pid:-1', 'pid:12 ', ' host']) {
    t.strictSame(userError(text), { message: `Unknown target "${text}".`, help: UNKNOWN_HELP }, JSON.stringify(text));
  }
});

t.test('formatSpec prints a spec back in the form parseTargetSpec reads', async (t) => {
  for (const text of ['lab:default', 'lab:ci-1', 'host', 'pid:1234', 'ssh://root@192.0.2.11:2222', 'ssh:alice']) {
    t.equal(formatSpec(parseTargetSpec(text)), text);
  }
  t.equal(formatSpec(parseTargetSpec('lab')), 'lab:default');
});

t.test('ssh://… and ssh:ALIAS are remote machines, graded and never changed', async (t) => {
  t.strictSame(parseTargetSpec('ssh://root@192.0.2.11'), {
    kind: 'ssh',
    ssh: { form: 'url', user: 'root', host: '192.0.2.11', port: null },
  });
  t.strictSame(parseTargetSpec('ssh:alice'), { kind: 'ssh', ssh: { form: 'alias', alias: 'alice' } });
  t.throws(
    () => localSpec(parseTargetSpec('ssh:alice'), 'run'),
    /run works on a lab, this machine \(host\) or a process/,
  );
  t.strictSame(localSpec(parseTargetSpec('pid:7'), 'run'), { kind: 'pid', pid: 7 });
});
