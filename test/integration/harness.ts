// Running the real CLI in tests: each test gets its own lab records directory and destroys every lab it made.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/core/shellQuote.js';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
/** What a user runs (package.json's bin): node, from the build's startup snapshot when there is one. */
export const BIN = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const NOBODY = 65534;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a test reads from a lab record. */
export interface LabRecordSeen {
  initPid: number;
  initStartTime: string;
  ephemeral?: boolean;
}

/** A CLI process still running, watched as it prints. */
export interface LiveCli {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once `seen(stdout)` holds; rejects if the CLI exits first or `timeoutMs` passes. */
  until(seen: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Signals the CLI itself, also under a wrapper that forks (nsenter --pid). SIGCONT goes to the wrapper
   * too: nsenter stops itself when its child stops, and would otherwise never see the CLI exit.
   */
  kill(signal: NodeJS.Signals): void;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  asUser?: number;
  wrap?: string[];
  /** Written to the CLI's stdin (closed at once when not given). */
  input?: string;
}

export interface Sandbox {
  stateDir: string;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** What `run` would start: for tests that drive the CLI themselves (a terminal). */
  command(args: string[], options?: RunOptions): { argv: string[]; env: NodeJS.ProcessEnv; cwd: string };
  /** Starts the CLI and returns while it runs, to interrupt it at a chosen moment. */
  start(args: string[], options?: { asUser?: number; wrap?: string[] }): LiveCli;
  /** Every process still running that this sandbox's CLI started, directly or not (they inherit its TSNET_STATE_DIR). */
  processes(): number[];
  /** The lab records in the sandbox's state directory, by name. */
  records(): Record<string, LabRecordSeen>;
  /** Kill every lab recorded here (SIGKILL to its init takes the whole lab) and remove the directory. */
  cleanup(): void;
}

/** The CLI's environment as a user would have it: without tap's coverage loader (which writes into the checkout). */
export function cliEnv(stateDir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('TAP') && !k.startsWith('_TAPJS'),
    ),
  );
  return { ...inherited, TSNET_STATE_DIR: stateDir, NO_COLOR: '1' };
}

/**
 * A checkout the user can read. A clone under a private directory (/root/…) is not readable by an
 * unprivileged user; then the built CLI, the lessons and the runtime dependencies are copied.
 */
function checkoutFor(uid: number, into: string): string {
  const probe = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'test', '-r', CLI]);
  if (probe.status === 0) return REPO;
  const copy = join(into, 'checkout');
  for (const part of ['bin', 'dist', 'lessons', 'package.json', 'test/fixtures'])
    cpSync(join(REPO, part), join(copy, part), { recursive: true });
  const runtime = execFileSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], { cwd: REPO, encoding: 'utf8' })
    .trim()
    .split('\n')
    .slice(1);
  for (const dir of runtime) cpSync(dir, join(copy, relative(REPO, dir)), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', into]);
  return copy;
}

/**
 * tap re-adds its loader to NODE_OPTIONS of every child: env starts the CLI without, as a user has it (the
 * user could not read it from a private clone; and the startup snapshot only starts without options).
 */
function asUserArgv(uid: number | undefined): string[] {
  const clean = ['/usr/bin/env', '-u', 'NODE_OPTIONS'];
  return uid === undefined ? clean : [...clean, 'setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
}

/** Every process running with this state directory in its environment: a lab's, or a CLI's, directly started or not. */
export function processesWith(stateDir: string): number[] {
  const marker = `TSNET_STATE_DIR=${stateDir}`;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Cleans up after a test process that dies without its teardown (tap kills a test file that times out):
 * a shell that waits for its stdin, this process's pipe, to close; then kills every process that carries
 * the sandbox's state directory (a lab's init takes its whole lab) and removes the directory. Its own
 * session, so a kill of this process group spares it; the sandbox's cleanup kills it first.
 */
function watchdog(stateDir: string): ChildProcess {
  const script =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template.
    'read -r _; for e in /proc/[0-9]*/environ; do grep -qzxF "TSNET_STATE_DIR=$1" "$e" 2>/dev/null && kill -9 "${e//[^0-9]/}" 2>/dev/null; done; rm -rf -- "$1"';
  const dog = spawn('bash', ['-c', script, 'watchdog', stateDir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // Neither the watchdog nor its pipe keeps this process alive.
  dog.unref();
  (dog.stdin as Socket).unref();
  return dog;
}

export function sandbox(owner?: number): Sandbox {
  const stateDir = mkdtempSync(join(tmpdir(), 'tsnet-test-'));
  const dog = watchdog(stateDir);
  chmodSync(stateDir, 0o755);
  if (owner !== undefined) chownSync(stateDir, owner, owner);
  const checkout = owner === undefined ? REPO : checkoutFor(owner, stateDir);
  const bin = join(checkout, relative(REPO, BIN));
  const box: Sandbox = {
    stateDir,
    command(args, options = {}) {
      const env = { ...cliEnv(stateDir), ...options.env };
      return {
        argv: [...(options.wrap ?? []), ...asUserArgv(options.asUser), bin, ...args],
        env,
        cwd: checkout,
      };
    },
    run(args, options = {}) {
      const { argv, env, cwd } = box.command(args, options);
      return new Promise((resolve) => {
        const child = execFile(
          argv[0]!,
          argv.slice(1),
          { env, cwd, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        child.stdin?.end(options.input ?? '');
      });
    },
    start(args, options = {}) {
      // env, setpriv and the launcher exec, so without a wrapper the pid is the CLI's own.
      const { argv, env, cwd } = box.command(args, options);
      const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      /** The CLI: the wrapper's child when the wrapper forked, else the process started. */
      const cliPid = (): number => {
        if (!options.wrap) return child.pid!;
        try {
          return (
            Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) ||
            child.pid!
          );
        } catch {
          return child.pid!;
        }
      };
      let out = '';
      let err = '';
      const watchers = new Set<() => void>();
      child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), watchers.forEach((w) => w())));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      return {
        pid: child.pid!,
        stdout: () => out,
        stderr: () => err,
        kill: (signal) => {
          for (const pid of new Set([cliPid(), ...(signal === 'SIGCONT' ? [child.pid!] : [])])) {
            try {
              process.kill(pid, signal);
            } catch {
              // Ended already.
            }
          }
        },
        exit,
        until(seen, timeoutMs = 60_000) {
          return new Promise<void>((resolve, reject) => {
            const done = (e?: Error): void => (watchers.delete(check), clearTimeout(timer), e ? reject(e) : resolve());
            const check = (): void => void (seen(out) && done());
            const timer = setTimeout(
              () => done(new Error(`not seen within ${timeoutMs} ms; output so far:\n${out}\n${err}`)),
              timeoutMs,
            );
            watchers.add(check);
            void exit.then((e) =>
              done(new Error(`the CLI exited (${e.signal ?? e.code}) first; output:\n${out}\n${err}`)),
            );
            check();
          });
        },
      };
    },
    processes: () => processesWith(stateDir),
    records() {
      const labs = join(stateDir, 'labs');
      if (!existsSync(labs)) return {};
      const out: Record<string, LabRecordSeen> = {};
      for (const f of readdirSync(labs).filter((f) => f.endsWith('.json'))) {
        try {
          out[f.slice(0, -5)] = JSON.parse(readFileSync(join(labs, f), 'utf8')) as LabRecordSeen;
        } catch {
          /* being written */
        }
      }
      return out;
    },
    cleanup() {
      dog.kill('SIGKILL');
      const labs = join(stateDir, 'labs');
      if (existsSync(labs)) {
        for (const f of readdirSync(labs)) {
          try {
            const r = JSON.parse(readFileSync(join(labs, f), 'utf8')) as { initPid: number };
            process.kill(r.initPid, 'SIGKILL');
          } catch {
            /* gone already */
          }
        }
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return box;
}

export interface Terminal {
  /** Types a line, as a learner would, and Enter. */
  type(line: string): void;
  /** Raw keys (Ctrl-C is `\x03`). */
  press(keys: string): void;
  /** Waits until the output after the last match matches `re`; returns the text up to the end of the match. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Everything shown so far, without colours and carriage returns. */
  output(): string;
  /** The exit code of the CLI. */
  exited: Promise<number>;
}

/** Runs the CLI on a terminal of its own (a pty, by util-linux `script`), as an interactive user would. */
export function terminal(box: Sandbox, args: string[], options: RunOptions = {}): Terminal {
  const { argv, env, cwd } = box.command(args, options);
  const quoted = argv.map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
    env: { ...env, SHELL: '/bin/bash', TERM: 'xterm' },
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  let cursor = 0;
  const waiters = new Set<() => void>();
  const clean = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  const onData = (d: string): void => {
    text += clean(d);
    for (const w of waiters) w();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => (child.stdin.end(), resolve(code ?? 1))));
  return {
    type: (line) => child.stdin.write(`${line}\r`),
    press: (keys) => child.stdin.write(keys),
    output: () => text,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (error: Error | null): void => {
          settled = true;
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
        };
        function check(): void {
          if (settled) return;
          const m = re.exec(text.slice(cursor));
          if (!m) return;
          cursor += m.index + m[0].length;
          finish(null);
          resolve(text.slice(0, cursor));
        }
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${re}; the terminal shows:\n${text.slice(cursor)}`)),
          timeoutMs,
        );
        waiters.add(check);
        check();
        void exited.then(() => {
          check();
          if (!settled)
            finish(new Error(`the CLI exited while waiting for ${re}; the terminal shows:\n${text.slice(cursor)}`));
        });
      });
    },
  };
}

/** The pid-namespace link of a process (`pid:[4026532…]`), to prove later that nothing of a lab survives. */
export function pidNamespaceOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** Every process on the machine whose pid namespace is `ns`. */
export function processesInPidNamespace(ns: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    if (pidNamespaceOf(Number(d)) === ns) out.push(Number(d));
  }
  return out;
}

/** A process by pid and start time, so a recycled pid is not mistaken for it. */
export interface ProcessId {
  pid: number;
  startTime: string;
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Every process of the lab whose init is `initPid`, now. Namespace inode numbers are recycled, so a
 * later look at "the lab's namespace" could see another lab: compare these processes instead.
 */
export function processesOfLab(initPid: number): ProcessId[] {
  const ns = pidNamespaceOf(initPid);
  if (!ns) return [];
  return processesInPidNamespace(ns).map((pid) => ({ pid, startTime: startTime(pid) ?? '' }));
}

/** The lab's init still runs (the same process, not a recycled pid). */
export function labRuns(r: LabRecordSeen | undefined): boolean {
  return r !== undefined && startTime(r.initPid) === r.initStartTime;
}

/** Those of `processes` still running, as their command lines. */
export function stillRunning(processes: readonly ProcessId[]): string[] {
  return processes.filter((p) => startTime(p.pid) === p.startTime).map((p) => commandLine(p.pid));
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Polls `done` every 20 ms for at most `ms`: the kernel tears a lab down asynchronously. */
export async function eventually(done: () => boolean, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

/** The host's own network, as a user would look at it: what no test may change. */
export function hostNetwork(): Record<string, string> {
  const sh = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' });
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  return {
    netns: sh('ip', ['netns', 'list']),
    links: sh('ip', ['-o', 'link', 'show']).replace(/ +link\/.*$/gm, ''),
    addresses: sh('ip', ['-o', 'addr', 'show']),
    routes: sh('ip', ['route', 'show', 'table', 'all']),
    iptables: sh('iptables-save', [])
      .replace(/^#.*$/gm, '')
      .replace(/\[\d+:\d+\]/g, ''),
    ipForward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'),
  };
}
