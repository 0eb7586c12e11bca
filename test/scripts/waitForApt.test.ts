// scripts/wait-for-apt, which scripts/setup runs before apt-get: it waits, saying so, while another process
// holds apt's lock (unattended upgrades at a cloud VM's first boot), and gives up after a bounded time.
// Tried on lock files of its own: apt's real locks are never held here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { REPO } from '../integration/harness.js';

const SCRIPT = join(REPO, 'scripts/wait-for-apt');
const dir = mkdtempSync(join(tmpdir(), 'tsnet-apt-lock-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Holds `file` locked for `seconds`, as apt does (fcntl) or as flock(1) does; resolves once it is held. */
async function hold(file: string, seconds: number, how: 'fcntl' | 'flock') {
  const argv =
    how === 'flock'
      ? ['flock', file, 'bash', '-c', `echo held; sleep ${seconds}`]
      : [
          'python3',
          '-c',
          `import fcntl, sys, time\nf = open(${JSON.stringify(file)}, "w")\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint("held", flush=True)\ntime.sleep(${seconds})`,
        ];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return child;
}

function waitFor(seconds: number, ...locks: string[]) {
  const started = Date.now();
  const r = spawnSync(SCRIPT, [String(seconds), ...locks], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
}

t.test('with no lock held it returns at once and says nothing', async (t) => {
  const free = join(dir, 'free');
  writeFileSync(free, '');
  const r = waitFor(5, free, join(dir, 'missing'));
  t.same([r.code, r.stdout, r.stderr], [0, '', '']);
  t.ok(r.seconds < 2, `${r.seconds} s`);
});

for (const how of ['fcntl', 'flock'] as const) {
  t.test(`a lock held (${how}) is waited for, with who holds it, until it is released`, async (t) => {
    const lock = join(dir, `lock-frontend-${how}`);
    writeFileSync(lock, '');
    const holder = await hold(lock, 2, how);
    const r = waitFor(20, join(dir, 'missing'), lock);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, new RegExp(`^Waiting for apt: process ${holder.pid} \\(\\S+\\) holds ${lock}`, 'm'));
    t.match(r.stdout, /waiting up to 20 s/);
    t.match(r.stdout, /apt is free after \d+ s/);
    t.ok(r.seconds >= 1 && r.seconds < 10, `it waited for the release: ${r.seconds} s`);
  });
}

t.test('a lock held longer than the limit: exit 2 after the limit, naming the holder', async (t) => {
  const lock = join(dir, 'lock');
  writeFileSync(lock, '');
  const holder = await hold(lock, 30, 'fcntl');
  t.teardown(() => void holder.kill('SIGKILL'));
  const r = waitFor(2, lock);
  t.equal(r.code, 2);
  t.ok(r.seconds >= 2 && r.seconds < 6, `bounded: ${r.seconds} s`);
  t.match(r.stderr, new RegExp(`apt is still busy after 2 s: process ${holder.pid} \\(python3\\) holds ${lock}`));
});

t.test('scripts/setup waits for apt before it calls apt-get', async (t) => {
  const setup = readFileSync(join(REPO, 'scripts/setup'), 'utf8');
  const wait = setup.indexOf('scripts/wait-for-apt');
  t.ok(wait > 0, 'setup runs wait-for-apt');
  t.ok(wait < setup.indexOf('apt-get update'), 'before apt-get update');
  t.match(setup, /apt-get -o DPkg::Lock::Timeout=\d+ install/, 'and apt-get install itself waits for the lock');
});
