// A student's machine over ssh: one connection, one bash there, fed the same reads and probes as a local
// `check`. Nothing is installed there: a private temporary directory holds the probes' output and goes
// when the shell ends. The first round trip carries the preflight, the state read and, when they can go
// before the read is judged (src/judge/oneRoundTrip.ts), the probes.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { parseIPv4 } from '../core/ipv4.js';
import { shellQuote } from '../core/shellQuote.js';
import { endTree, terminateTree } from '../exec/killTree.js';
import { nodeSpawner, run, type Spawner } from '../exec/spawn.js';

type ChildProcess = Awaited<ReturnType<Spawner>>['child'];
import { execSideBySide } from './parallel.js';
import { connectionProblem, missingTools, notRoot, timedOut, type RemoteProblem } from './remoteProblem.js';
import { openShell, type ExecResult, type Shell } from './shell.js';
import {
  formatSshDestination,
  parseSshConfig,
  sshArgv,
  sshConfigArgv,
  type ResolvedSsh,
  type SshDestination,
  type SshOptions,
} from './sshDestination.js';
import type { Target } from './target.js';

export interface SshConnection {
  target: Target;
  shell: Shell;
  /** What ssh resolved: HostName, User, Port, and whether a proxy stands between. */
  login: ResolvedSsh;
  /** The IPv4 address ssh connects to: the student's host address; null behind a proxy without one. */
  address: string | null;
  /** Why this machine cannot be graded; complete once the shell is closed. */
  problem(): RemoteProblem | null;
}

/** The ssh processes open now, so an interrupt can end them with their proxies (killOpenConnections). */
const open = new Set<number>();

/** Ends every ssh connection of this process, and the ProxyCommands under them (on Ctrl-C or SIGTERM). */
export function killOpenConnections(): number {
  const n = open.size;
  for (const pid of open) terminateTree(pid);
  open.clear();
  return n;
}

const BEGIN = '@@tsnet-remote begin';
const END = '@@tsnet-remote end';

/** The preflight, run by the remote bash before anything else: who we are there, which tools lack. Pure. */
export function preambleScript(tools: readonly string[], jobsDir: string): string {
  return [
    `printf '\\n${BEGIN}\\neuid=%s\\n' "$EUID"`,
    `for __tsnet_t in ${tools.map(shellQuote).join(' ')}; do type -P "$__tsnet_t" >/dev/null || printf 'missing=%s\\n' "$__tsnet_t"; done`,
    // However the connection ends (closed, or a timeout's SIGTERM), the shell's end removes what it wrote.
    `trap 'cd / && rm -rf -- ${jobsDir}' EXIT; trap 'exit 129' HUP; trap 'exit 143' TERM`,
    `printf '${END}\\n'`,
    '',
  ].join('\n');
}

/** Splits the preflight's answer off the first command's output; banners printed by login scripts go too. Pure. */
export function splitPreamble(stdout: string): { euid: string; missing: string[]; rest: string } | null {
  const begin = stdout.indexOf(`${BEGIN}\n`);
  const end = stdout.indexOf(`${END}\n`, begin);
  if (begin < 0 || end < 0) return null;
  const lines = stdout.slice(begin + BEGIN.length + 1, end).split('\n');
  return {
    euid: lines.find((l) => l.startsWith('euid='))?.slice(5) ?? '',
    missing: lines.filter((l) => l.startsWith('missing=')).map((l) => l.slice(8)),
    rest: stdout.slice(end + END.length + 1),
  };
}

function resolveSsh(d: SshDestination, o: SshOptions): Promise<ResolvedSsh> {
  const [cmd, ...args] = sshConfigArgv(d, o);
  return run(cmd!, args, { timeoutMs: 10_000 }).then((r) => parseSshConfig(r.stdout));
}

/** The address ssh connects to: HostName itself, or what it resolves to when ssh connects directly. */
async function hostAddress(login: ResolvedSsh): Promise<string | null> {
  if (parseIPv4(login.hostname) !== null) return login.hostname;
  if (login.proxied || !login.hostname || login.hostname.includes(':')) return null;
  try {
    return (await lookup(login.hostname, { family: 4 })).address;
  } catch {
    return null;
  }
}

/**
 * Connects; never throws for the machine's own failings: they are problem(). `tools`: what the checks run
 * there. After `timeoutS` seconds the connection is ended, whatever it is doing, and problem() says so.
 */
export async function connectSsh(
  d: SshDestination,
  o: SshOptions,
  tools: readonly string[],
  timeoutS: number,
): Promise<SshConnection> {
  const jobsDir = `/tmp/tsnet-learn.${randomBytes(8).toString('hex')}`;
  let stderr = '';
  let exit: { code: number | null; whileOpen: boolean } | null = null;
  let drained: Promise<void> = Promise.resolve();
  let child: ChildProcess | null = null;
  let late = false;
  let closing = false;
  let preflight: RemoteProblem | null | undefined;
  const stop = (): void => {
    if (child?.pid === undefined || exit) return;
    // The end of its input lets the shell there finish and remove what it wrote, once its command ends.
    child.stdin?.end();
    void endTree(child.pid, 3000);
  };
  const clock = setTimeout(() => {
    if (exit) return;
    late = true;
    stop();
  }, timeoutS * 1000);
  const resolving = resolveSsh(d, o);
  const spawner: Spawner = async (cmd, args, env) => {
    const started = await nodeSpawner(cmd, args, env);
    child = started.child;
    const pid = child.pid;
    if (pid !== undefined) open.add(pid);
    if (late) stop();
    // Written before the shell runner's own first line: the preflight runs first, in the same round trip.
    child.stdin!.write(preambleScript(tools, jobsDir));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderr = (stderr + s).slice(-16_384);
    });
    child.on('error', (e) => {
      stderr += `${e.message}\n`;
      exit = { code: null, whileOpen: true };
    });
    child.on('exit', (code) => {
      exit = { code, whileOpen: !closing };
      if (pid !== undefined) open.delete(pid);
    });
    // What ssh said is complete once its streams close, after its exit; a proxy that escaped may hold them.
    drained = new Promise((resolve) => {
      started.child.on('close', () => resolve());
      started.child.on('exit', () => setTimeout(resolve, 2000).unref());
    });
    return started;
  };
  const label = formatSshDestination(d);
  // ssh -G answers while the connection is being set up.
  const inner = await openShell(sshArgv(d, o), jobsDir, spawner);
  const login = await resolving;

  const problem = (): RemoteProblem | null => {
    if (late) return timedOut(timeoutS);
    if (preflight) return preflight;
    if (exit?.whileOpen) return connectionProblem(stderr, exit.code, login.hostname || label);
    return null;
  };
  const refuse = (): void => {
    const p = problem();
    if (p) throw new Error(p.message);
  };
  const shell: Shell = {
    async exec(line, options) {
      refuse();
      let r: ExecResult;
      try {
        r = await inner.exec(line, options);
      } catch (e) {
        refuse();
        throw e;
      }
      if (preflight === undefined) {
        const pre = splitPreamble(r.stdout);
        if (!pre) preflight = { kind: 'error', message: 'the remote shell did not answer the preflight', fix: null };
        else if (pre.euid !== '0') preflight = notRoot(login.user, pre.euid);
        else if (pre.missing.length) preflight = missingTools(pre.missing);
        else preflight = null;
        refuse();
        r = { ...r, stdout: pre!.rest };
      }
      return r;
    },
    // Side by side, through exec so that the preflight is read whatever comes first.
    execAll: (lines) => execSideBySide((script) => shell.exec(script), lines),
    async close() {
      closing = true;
      clearTimeout(clock);
      await inner.close();
      await drained;
    },
  };
  return {
    target: {
      spec: { kind: 'ssh', ssh: d },
      label,
      argv: sshArgv(d, o),
      jobsDir,
      hasOutside: false,
      // --outside names a namespace on this machine; a remote one has none we could check.
      outsideNs: null,
      fresh: false,
      lab: null,
    },
    shell,
    login,
    address: await hostAddress(login),
    problem,
  };
}
