import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const LOCK = fileURLToPath(new URL('../../dist/src/lab/labLock.js', import.meta.url));

/** A state directory of the test's own (not made yet, as on a fresh machine), removed at teardown. */
function stateDir(t: Tap.Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-lock-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state');
}

t.test('creators of different labs at once never trip over the shared locks directory', async (t) => {
  const state = stateDir(t);
  // Each one takes and releases its own lock many times; a release removes the emptied directory,
  // which another process may be just about to write into.
  const script = `const { lockLab } = await import(${JSON.stringify(LOCK)}); for (let i = 0; i < 40; i++) (await lockLab(process.argv[1]))();`;
  const codes = await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script, `lab${i}`], {
            env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: state },
          });
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('exit', (code) => resolve({ code, stderr }));
        }),
    ),
  );
  for (const [i, r] of codes.entries()) t.equal(r.code, 0, `creator ${i}: ${r.stderr}`);
  t.notOk(existsSync(join(state, 'locks')), 'no lock and no empty directory is left');
});

interface Claimant {
  /** null while it holds its claim; the exit code once it has ended. */
  code: number | null;
  stderr: string;
  /** Ends a claimant that holds its claim (and so releases it). */
  release(): Promise<void>;
}

/**
 * A separate process, as another terminal would be, that makes the claim `call` (e.g. `claimLab('mine',
 * 'tsnet-learn run lesson-7')`). With `hold` it keeps its claim until released; without, it exits at once,
 * 2 when refused. Released at teardown at the latest.
 */
function claimant(t: Tap.Test, stateDir: string, call: string, hold: boolean): Promise<Claimant> {
  return new Promise((resolve) => {
    const script = `const lock = await import(${JSON.stringify(LOCK)}); try { lock.${call}; } catch (e) { process.stderr.write(e.message + '\\n' + e.help); process.exit(2); } process.stdout.write('claimed\\n'); ${hold ? "process.stdin.on('data', () => process.exit(0));" : ''}`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: stateDir },
    });
    const exited = new Promise((r) => child.once('exit', r));
    const release = async (): Promise<void> => void (child.stdin.end('go\n'), await exited);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', () => hold && resolve({ code: null, stderr, release }));
    child.on('exit', (code) => resolve({ code, stderr, release }));
    if (hold) t.teardown(release);
    else child.stdin.end();
  });
}

t.test('a lab claimed by a command that changes it is refused to a second one, naming the first', async (t) => {
  const state = stateDir(t);
  const first = await claimant(t, state, "claimLab('mine', 'tsnet-learn run lesson-7')", true);
  t.equal(first.code, null, 'the first one has it');
  const second = await claimant(t, state, "claimLab('mine', 'tsnet-learn learn lesson-3')", false);
  t.equal(second.code, 2, 'the second is refused');
  t.match(second.stderr, /Lab "mine" is in use by `tsnet-learn run lesson-7` \(pid \d+\)/);
  t.match(second.stderr, /--target lab:OTHER/);
  t.equal(
    (await claimant(t, state, "claimLab('other', 'tsnet-learn learn lesson-3')", false)).code,
    0,
    'another lab is free',
  );
  // The first one ends: the lab is free again, and nothing is left behind once the next one ends too.
  await first.release();
  t.equal(
    (await claimant(t, state, "claimLab('mine', 'tsnet-learn learn lesson-3')", false)).code,
    0,
    'free once the first has ended',
  );
  t.notOk(existsSync(join(state, 'locks')), 'no claim and no empty directory is left');
});

t.test(
  'this machine is claimed as a lab is, apart from every lab: a second host command is refused, naming the first',
  async (t) => {
    const state = stateDir(t);
    const first = await claimant(t, state, "claimHost('tsnet-learn run lesson-7 --target host')", true);
    t.equal(first.code, null, 'the first one has it');
    const reset = await claimant(t, state, "claimHost('tsnet-learn reset --target host')", false);
    t.equal(reset.code, 2, 'the second is refused');
    t.match(
      reset.stderr,
      /This machine's network is being changed by `tsnet-learn run lesson-7 --target host` \(pid \d+\)/,
    );
    t.match(reset.stderr, /lose track of what reset must undo/);
    // Even a lab named like the claim: labs and this machine never share one.
    t.equal(
      (await claimant(t, state, "claimLab('host', 'tsnet-learn run lesson-1')", false)).code,
      0,
      'a lab is free meanwhile',
    );
    await first.release();
    t.equal(
      (await claimant(t, state, "claimHost('tsnet-learn reset --target host')", false)).code,
      0,
      'free once the first has ended',
    );
    t.notOk(existsSync(join(state, 'locks')), 'no claim and no empty directory is left');
  },
);

t.test('the claim of a process that is gone is taken over', async (t) => {
  const state = stateDir(t);
  mkdirSync(join(state, 'locks'), { recursive: true });
  // pid 999999 with a start time no process has: killed long ago.
  writeFileSync(join(state, 'locks', 'mine.busy'), '999999 1 tsnet-learn run lesson-7\n');
  const script = `const { claimLab } = await import(${JSON.stringify(LOCK)}); claimLab('mine', 'tsnet-learn run lesson-1'); process.stdout.write('claimed');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: state },
    encoding: 'utf8',
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'claimed');
});
