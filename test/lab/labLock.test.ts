import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const LOCK = fileURLToPath(new URL('../../dist/src/lab/labLock.js', import.meta.url));

t.test('creators of different labs at once never trip over the shared locks directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-lock-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Each one takes and releases its own lock many times; a release removes the emptied directory,
  // which another process may be just about to write into.
  const script = `const { lockLab } = await import(${JSON.stringify(LOCK)}); for (let i = 0; i < 40; i++) (await lockLab(process.argv[1]))();`;
  const codes = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, `lab${i}`], { env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: join(dir, 'state') } });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      }),
    ),
  );
  for (const [i, r] of codes.entries()) t.equal(r.code, 0, `creator ${i}: ${r.stderr}`);
  t.notOk(existsSync(join(dir, 'state', 'locks')), 'no lock and no empty directory is left');
});

t.test('a lab claimed by a command that changes it is refused to a second one, naming the first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-lock-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Two processes, as two terminals would be: the first holds its claim until told to go.
  const held: import('node:child_process').ChildProcess[] = [];
  const claim = (command: string, hold: boolean): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const script = `const { claimLab } = await import(${JSON.stringify(LOCK)}); try { claimLab('mine', ${JSON.stringify(command)}); } catch (e) { process.stderr.write(e.message + '\\n' + e.help); process.exit(2); } process.stdout.write('claimed\\n'); ${hold ? "process.stdin.on('data', () => process.exit(0));" : ''}`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: join(dir, 'state') } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', () => hold && resolve({ code: null, stderr }));
      child.on('exit', (code) => resolve({ code, stderr }));
      if (hold) t.teardown(() => void child.stdin.end('go\n'));
      else child.stdin.end();
      held.push(child);
    });
  const first = await claim('tsnet-learn run lesson-7', true);
  t.equal(first.code, null, 'the first one has it');
  const second = await claim('tsnet-learn learn lesson-3', false);
  t.equal(second.code, 2, 'the second is refused');
  t.match(second.stderr, /Lab "mine" is in use by `tsnet-learn run lesson-7` \(pid \d+\)/);
  t.match(second.stderr, /--target lab:OTHER/);
  // The first one ends: the lab is free again, and nothing is left behind once the next one ends too.
  held[0]!.stdin!.end('go\n');
  await new Promise((r) => held[0]!.once('exit', r));
  t.equal((await claim('tsnet-learn learn lesson-3', false)).code, 0, 'free once the first has ended');
  t.notOk(existsSync(join(dir, 'state', 'locks')), 'no claim and no empty directory is left');
});

t.test('the claim of a process that is gone is taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-lock-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'state', 'locks'), { recursive: true });
  // pid 999999 with a start time no process has: killed long ago.
  writeFileSync(join(dir, 'state', 'locks', 'mine.busy'), '999999 1 tsnet-learn run lesson-7\n');
  const script = `const { claimLab } = await import(${JSON.stringify(LOCK)}); claimLab('mine', 'tsnet-learn run lesson-1'); process.stdout.write('claimed');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '', TSNET_STATE_DIR: join(dir, 'state') }, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'claimed');
});
