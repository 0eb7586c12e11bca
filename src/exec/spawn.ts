// The only place that starts processes. One way per need: run a program to its end (`run`, or `runSync` in a
// signal handler), start one that keeps running (`startChild`), hand the terminal to one (`runAttached`), and
// the target's shell (`Spawner`). Nothing else imports node:child_process or execa (test/architecture.test.ts).
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';

/** How a program that ran to its end ended, and what it printed: one record for success and failure alike. */
export interface Finished {
  /** Its exit status; null when a signal ended it or it never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it did not start, or was stopped at its time limit; null otherwise. */
  error: string | null;
}

export interface RunOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Stopped (SIGKILL) after this long. */
  timeoutMs?: number;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

const environment = (env: Record<string, string> | undefined): NodeJS.ProcessEnv =>
  env ? { ...process.env, ...env } : process.env;

/** 128 + the signal's number, as a shell reports a program a signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Runs `cmd args` to its end with its output captured. Never rejects: a failure is in the record. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: environment(options.env) });
    let stdout = '';
    let stderr = '';
    let error: string | null = null;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      options.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            error = `stopped after ${options.timeoutMs} ms`;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode: null, signal: null, stdout, stderr, error: e.message });
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, error });
    });
  });
}

/** `run`, synchronously: for signal handlers, which must be done before the process exits. */
export function runSync(cmd: string, args: readonly string[], options: RunOptions = {}): Finished {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: environment(options.env),
    timeout: options.timeoutMs,
    maxBuffer: MAX_OUTPUT,
  });
  return {
    exitCode: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error?.message ?? null,
  };
}

export interface ChildOptions {
  /** Its own process group: it outlives this process unless told otherwise. */
  detached?: boolean;
  env?: Record<string, string>;
}

/** Starts a program that keeps running (a lab's holder), its stdio piped; the caller owns the streams and its end. */
export function startChild(
  cmd: string,
  args: readonly string[],
  options: ChildOptions = {},
): ChildProcessWithoutNullStreams {
  return spawn(cmd, args, { stdio: 'pipe', detached: options.detached ?? false, env: environment(options.env) });
}

export interface AttachedOptions {
  env?: Record<string, string>;
  /** Signals this process passes on, and as what (a learner's shell gets SIGHUP for our SIGTERM). */
  forward?: Partial<Record<NodeJS.Signals, NodeJS.Signals>>;
}

/**
 * Runs a program on this terminal (stdin, stdout and stderr shared) and resolves with its exit code, or
 * 128+n when signal n ended it. Meanwhile Ctrl-C and Ctrl-\ are the program's: this process ignores them,
 * as a shell does for the program in the foreground.
 */
export function runAttached(
  cmd: string,
  args: readonly string[],
  options: AttachedOptions = {},
): Promise<{ exitCode: number; error: string | null }> {
  const child = spawn(cmd, args, { stdio: 'inherit', env: environment(options.env) });
  const ignore = (): void => undefined;
  const handlers = new Map<NodeJS.Signals, () => void>([
    ['SIGINT', ignore],
    ['SIGQUIT', ignore],
  ]);
  for (const [from, to] of Object.entries(options.forward ?? {}) as [NodeJS.Signals, NodeJS.Signals][])
    handlers.set(from, () => child.kill(to));
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolve) => {
    const done = (exitCode: number, error: string | null): void => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve({ exitCode, error });
    };
    child.on('error', (e) => done(127, e.message));
    child.on('exit', (code, signal) => done(code ?? (signal ? signalExitCode(signal) : 0), null));
  });
}

/** Starts the target's shell with piped stdio; the caller reads the streams itself. Wrapped: execa's process is a thenable. */
export type Spawner = (
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
) => Promise<{ child: ChildProcess }>;

/** Loads execa ahead of its first use (while a lab is being built, the CPU is idle). */
export function loadExeca(): Promise<unknown> {
  return import('execa');
}

/** Lesson commands go through execa, the brief's process library. */
export const execaSpawner: Spawner = async (cmd, args, env) => {
  const { execa } = await import('execa');
  // No buffering and no rejecting: the shell's framing protocol reads the streams and judges the result.
  const child = execa(cmd, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, env });
  child.catch(() => undefined);
  return { child };
};

/** Grading answers in a fraction of a second, where execa's import alone (~80 ms) would be half the budget. */
export const nodeSpawner: Spawner = async (cmd, args, env) => ({ child: startChild(cmd, args, { env }) });
