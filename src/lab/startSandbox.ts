// A sandbox: bash as the init of new net, mount and pid namespaces, ready once its script prints "ready".
// Labs are sandboxes; the integration tests start theirs (a student's machine, a stand-in host) here too.
import { readFileSync } from 'node:fs';
import { startChild } from '../exec/spawn.js';

/** A sandbox's holder: unshare, with its stdin, stdout and stderr as pipes. */
export type SandboxHolder = ReturnType<typeof startChild>;

export interface SandboxOptions {
  /** A user namespace too, this user mapped to root inside: a sandbox without root. */
  rootless?: boolean;
  /** Outlives this process (a lab kept until `lab destroy`). */
  detached?: boolean;
  /** Programs that unshare runs under (`setpriv --pdeathsig KILL`); each must exec the next. */
  wrap?: readonly string[];
}

/** Starts `bash BASHARGS…` as the sandbox's init; `holder` is unshare (or the first of `wrap`). */
export function startSandbox(bashArgs: readonly string[], options: SandboxOptions = {}): SandboxHolder {
  const [cmd, ...args] = [
    ...(options.wrap ?? []),
    'unshare',
    ...(options.rootless ? ['--user', '--map-root-user'] : []),
    '--net',
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--propagation',
    'private',
    'bash',
    ...bashArgs,
  ];
  return startChild(cmd!, args, { detached: options.detached ?? false });
}

/** The first child of `pid` (unshare's: the sandbox's init), or null. */
export function childOf(pid: number): number | null {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : null;
  } catch {
    return null;
  }
}

/**
 * Waits until the sandbox's script prints "ready" (up to `timeoutMs`): `ready` false when it exits first
 * or is late. `initPid`: its init, if there is one by then; `stderr`: what it said meanwhile.
 */
export function untilReady(
  holder: SandboxHolder,
  timeoutMs: number,
): Promise<{ ready: boolean; initPid: number | null; stderr: string }> {
  let stdout = '';
  let stderr = '';
  holder.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  holder.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      resolve({ ready, initPid: holder.pid ? childOf(holder.pid) : null, stderr });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    holder.stdout.on('data', () => stdout.includes('ready\n') && done(true));
    holder.on('error', (e) => ((stderr += e.message), done(false)));
    holder.on('exit', () => done(stdout.includes('ready\n')));
  });
}
