// How the target's shell process is started. Lesson commands go through execa, the brief's process library;
// grading answers in a fraction of a second, where execa's import alone (~80 ms) would be half the budget.
import type { ChildProcess } from 'node:child_process';

/** Starts `cmd args` with piped stdio; the caller reads the streams itself. Wrapped: execa's process is a thenable. */
export type Spawner = (
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
) => Promise<{ child: ChildProcess }>;

export const execaSpawner: Spawner = async (cmd, args, env) => {
  const { execa } = await import('execa');
  // No buffering and no rejecting: the shell's framing protocol reads the streams and judges the result.
  const child = execa(cmd, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, env });
  child.catch(() => undefined);
  return { child };
};

export const nodeSpawner: Spawner = async (cmd, args, env) => {
  const { spawn } = await import('node:child_process');
  return { child: spawn(cmd, args, { stdio: 'pipe', env: { ...process.env, ...env } }) };
};
