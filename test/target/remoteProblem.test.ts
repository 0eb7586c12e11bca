// Each failure as the real ssh, sudo and bash print it (captured in test/fixtures/ssh/).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { connectionProblem, missingTools, notRoot } from '../../src/target/remoteProblem.js';

const said = (name: string): string => readFileSync(new URL(`../fixtures/ssh/${name}.txt`, import.meta.url), 'utf8');

t.test('a refused or timed-out connection is unreachable', async (t) => {
  const refused = connectionProblem(said('connection-refused'), 255, '127.0.0.1');
  t.equal(refused.kind, 'unreachable');
  t.match(refused.message, /cannot reach 127\.0\.0\.1: ssh: connect to host 127\.0\.0\.1 port 1: Connection refused/);
  t.equal(connectionProblem(said('proxy-connect-timeout'), 255, 'h').kind, 'unreachable');
});

t.test('a refused key says so and how to install one', async (t) => {
  const p = connectionProblem(said('key-refused'), 255, '172.16.0.2');
  t.equal(p.kind, 'key-refused');
  t.match(p.message, /Permission denied \(publickey/);
  t.match(p.fix, /ssh-copy-id/);
});

t.test('a changed host key is refused loudly, with the entry to remove; an unknown one names accept-new', async (t) => {
  const changed = connectionProblem(said('host-key-changed'), 255, '172.16.0.2');
  t.equal(changed.kind, 'host-key');
  t.match(changed.message, /CHANGED/);
  t.match(changed.fix, /ssh-keygen -R alice/, 'the HostKeyAlias that ssh names');
  const unknown = connectionProblem(said('host-key-unknown'), 255, '172.16.0.2');
  t.equal(unknown.kind, 'host-key');
  t.match(unknown.fix, /StrictHostKeyChecking=accept-new/);
});

t.test('sudo that wants a password is its own kind, never a prompt', async (t) => {
  const p = connectionProblem(said('sudo-password'), 1, 'h');
  t.equal(p.kind, 'sudo-password');
  t.match(p.fix, /NOPASSWD/);
});

t.test('a missing bash or sudo on the student machine is a missing tool, with its package', async (t) => {
  t.strictSame(connectionProblem(said('bash-missing'), 127, 'h'), missingTools(['bash']));
  t.match(missingTools(['bash']).message, /bash \(bash\)/);
  const sudo = connectionProblem(said('sudo-missing'), 127, 'h');
  t.equal(sudo.kind, 'tool-missing');
  t.match(sudo.message, /sudo/);
  t.match(missingTools(['curl', 'nsenter']).fix, /apt-get install -y curl util-linux/);
});

t.test('anything else ends the connection with what ssh said last', async (t) => {
  const p = connectionProblem('Warning: Permanently added x\nsomething odd happened\n', 255, 'h');
  t.strictSame(p, { kind: 'error', message: 'the connection ended: something odd happened', fix: null });
  t.match(connectionProblem('', null, 'h').message, /exit by a signal/);
});

t.test('a login that is not root names --sudo', async (t) => {
  t.match(notRoot('student', '4242'), { kind: 'not-root', message: /logged in as student/, fix: /--sudo/ });
});
