import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { processStat, startTimeOf } from '../../src/exec/processStat.js';

t.test('a running process has a state and a start time that stays the same while it runs', async (t) => {
  const stat = processStat(process.pid);
  t.match(stat, { state: /^[RS]$/, startTime: /^\d+$/ });
  t.equal(startTimeOf(process.pid), stat?.startTime);
});

t.test('a pid that no process has gives null', async (t) => {
  // Above the kernel's largest pid.
  t.equal(processStat(99_999_999), null);
  t.equal(startTimeOf(99_999_999), null);
});

t.test('a command name with spaces and parentheses does not shift the fields', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnet-stat-'));
  const program = join(dir, 'a) (b c');
  copyFileSync('/bin/sleep', program);
  const child = spawn(program, ['5'], { stdio: 'ignore' });
  t.teardown(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((resolve) => child.once('spawn', resolve));
  const stat = processStat(child.pid!);
  t.match(stat, { state: /^[RS]$/, startTime: /^\d+$/ });
  t.ok(Number(stat?.startTime) >= Number(startTimeOf(process.pid)), 'started after this test did');
});
