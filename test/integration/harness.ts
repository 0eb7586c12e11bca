// Running the real CLI in tests: each test gets its own lab records directory and destroys every lab it made.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const NOBODY = 65534;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  stateDir: string;
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; asUser?: number; wrap?: string[] }): Promise<CliResult>;
  /** Kill every lab recorded here (SIGKILL to its init takes the whole lab) and remove the directory. */
  cleanup(): void;
}

/** The CLI's environment as a user would have it: without tap's coverage loader (which writes into the checkout). */
export function cliEnv(stateDir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('TAP') && !k.startsWith('_TAPJS')));
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
  for (const part of ['dist', 'lessons', 'package.json', 'test/fixtures']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
  const runtime = execFileSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').slice(1);
  for (const dir of runtime) cpSync(dir, join(copy, relative(REPO, dir)), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', into]);
  return copy;
}

export function sandbox(owner?: number): Sandbox {
  const stateDir = mkdtempSync(join(tmpdir(), 'tsnet-test-'));
  chmodSync(stateDir, 0o755);
  if (owner !== undefined) chownSync(stateDir, owner, owner);
  const checkout = owner === undefined ? REPO : checkoutFor(owner, stateDir);
  const cli = join(checkout, relative(REPO, CLI));
  return {
    stateDir,
    run(args, options = {}) {
      const env = { ...cliEnv(stateDir), ...options.env };
      // tap re-adds its loader to NODE_OPTIONS of every child; the user could not read it from a private clone.
      const asUser = options.asUser === undefined ? [] : ['env', '-u', 'NODE_OPTIONS', 'setpriv', `--reuid=${options.asUser}`, `--regid=${options.asUser}`, '--clear-groups'];
      const argv = [...(options.wrap ?? []), ...asUser, process.execPath, cli, ...args];
      return new Promise((resolve) => {
        execFile(argv[0]!, argv.slice(1), { env, cwd: checkout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    },
    cleanup() {
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

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
