// Before a lab is made: a missing tool is named with its package, and a kernel that forbids user
// namespaces is named by its setting. Each in a sandbox; the host's own settings are only read.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checksOf, parseReport } from '../helpers/report.js';
import { NOBODY, isRoot, sandbox } from './harness.js';

const emptyState = (dir: string): boolean =>
  !existsSync(join(dir, 'labs')) || readdirSync(join(dir, 'labs')).length === 0;

/** A directory of links to every program in /usr/bin but `tool`: a PATH on which the tool is not installed. */
function pathWithout(tool: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-path-'));
  for (const name of readdirSync('/usr/bin')) if (name !== tool) symlinkSync(join('/usr/bin', name), join(dir, name));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// The CLI also looks in /usr/sbin and /sbin (often missing from a user's PATH): hiding iptables, which
// lives there, takes a private mount namespace with an empty /usr/sbin, as on a machine without it.
const withoutSbin = [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  '--',
  'sh',
  '-c',
  'mount -t tmpfs tsnet-empty /usr/sbin && exec "$@"',
  'sh',
];

const cases = [
  { tool: 'ping', pkg: 'iputils-ping', missing: 'ping', wrap: [] as string[] },
  { tool: 'curl', pkg: 'curl', missing: 'curl', wrap: [] as string[] },
  { tool: 'python3', pkg: 'python3', missing: 'python3', wrap: [] as string[] },
  { tool: 'iptables', pkg: 'iptables', missing: 'iptables, iptables-save', wrap: withoutSbin },
];

for (const c of cases) {
  t.test(
    `without ${c.tool}, run and lab create name it and the package that installs it, and create nothing`,
    { skip: !isRoot() && c.wrap.length ? 'hiding /usr/sbin needs root' : false },
    async (t) => {
      const box = sandbox();
      const path = pathWithout(c.tool);
      t.teardown(() => (box.cleanup(), path.cleanup()));
      for (const args of [
        ['run', '1'],
        ['lab', 'create', 'nope'],
      ]) {
        const r = await box.run(args, { env: { PATH: path.dir }, wrap: c.wrap });
        t.equal(r.code, 2, `${args.join(' ')} exits 2`);
        t.match(r.stderr, `tsnet-learn: Missing tools: ${c.missing}.`);
        t.match(r.stderr, `Install them (as root): apt-get install -y ${c.pkg}\n`);
        t.notMatch(r.stderr, /internal error/);
        t.ok(emptyState(box.stateDir), 'no lab was created');
      }
    },
  );
}

/**
 * Runs argv in a user namespace of its own (uids 0-65535 mapped as they are) whose user.max_user_namespaces
 * is 0: the setting belongs to that namespace, so the host's own value does not change.
 */
const NO_USERNS = `set -e
fifo=$(mktemp -u /tmp/tsnet-userns-XXXXXX)
mkfifo -m 600 "$fifo"
unshare --user -- bash -c 'read -r _ < "$0"; exec sh -c "echo 0 > /proc/sys/user/max_user_namespaces && exec \\"\\$@\\"" sh "$@"' "$fifo" "$@" &
pid=$!
while [ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/self/ns/user)" ]; do sleep 0.01; done
echo '0 0 65536' > /proc/$pid/uid_map
echo '0 0 65536' > /proc/$pid/gid_map
echo go > "$fifo"
rm -f "$fifo"
wait $pid`;
const noUserns = ['bash', '-c', NO_USERNS, 'bash'];

t.test(
  'an ordinary user where user.max_user_namespaces is 0 is told that setting, before anything is made',
  { skip: isRoot() ? false : 'building the sandbox needs root' },
  async (t) => {
    const hostValue = readFileSync('/proc/sys/user/max_user_namespaces', 'utf8');
    const proof = spawnSync(
      noUserns[0]!,
      [
        ...noUserns.slice(1),
        'setpriv',
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        'unshare',
        '--user',
        '--map-root-user',
        'true',
      ],
      { encoding: 'utf8' },
    );
    t.not(proof.status, 0, 'in the sandbox, nobody really cannot create a user namespace');
    t.match(proof.stderr, /No space left on device/);

    const box = sandbox(NOBODY);
    t.teardown(() => box.cleanup());
    for (const args of [
      ['run', '1'],
      ['lab', 'create'],
    ]) {
      const r = await box.run(args, { asUser: NOBODY, wrap: noUserns });
      t.equal(r.code, 2, `${args.join(' ')} exits 2`);
      t.match(
        r.stderr,
        'tsnet-learn: Cannot create a lab: user namespaces are limited to none here (user.max_user_namespaces = 0).',
      );
      t.match(r.stderr, 'sysctl -w user.max_user_namespaces=10000');
      t.notMatch(
        r.stderr,
        /No space left on device|internal error/,
        'the setting is named up front, not guessed from a failure',
      );
      t.ok(emptyState(box.stateDir), 'no lab was created');
    }
    t.equal(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8'), hostValue, "the host's own limit is unchanged");
  },
);

t.test(
  'as root a lab needs no user namespace, so the setting does not stop it',
  { skip: isRoot() ? false : 'needs root' },
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const r = await box.run(['lab', 'create', 'asroot'], { wrap: noUserns });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /Created lab "asroot"/);
    t.equal((await box.run(['lab', 'destroy', 'asroot'], { wrap: noUserns })).code, 0);
  },
);

t.test(
  "an ordinary user's PATH without /usr/sbin: the iptables the preflight found there is the one the lesson runs",
  async (t) => {
    const box = sandbox(NOBODY);
    t.teardown(() => box.cleanup());
    const r = await box.run(['run', '6', '--target', 'lab:userpath', '--format', 'json'], {
      asUser: isRoot() ? NOBODY : undefined,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    });
    t.equal(r.code, 0, r.stderr);
    const report = parseReport(r);
    t.ok(
      checksOf(report).some((c) => c.id === 'lesson-6:4.1' && c.status === 'passed'),
      'the MASQUERADE rule was added and found',
    );
    t.equal((await box.run(['lab', 'destroy', 'userpath'], { asUser: isRoot() ? NOBODY : undefined })).code, 0);
  },
);
