// The only place that runs lesson commands: one long-lived bash inside the target, fed line by line.
// A persistent shell costs one spawn per run instead of one per command, like a learner's terminal.
import { execSideBySide } from './parallel.js';
import { pathWithSbin } from '../exec/preflight.js';
import { shellQuote } from '../core/shellQuote.js';
import { simpleCommand } from '../core/simpleCommand.js';
import { execaSpawner, type Spawner } from '../exec/spawn.js';

/** One record for success and failure alike (zx's ProcessOutput, execa's result). */
export interface ExecResult {
  line: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ExecOptions {
  /** Run detached, wait until it listens on `port` (or just starts when null). */
  background?: { port: number | null } | null;
  timeoutMs?: number;
  /** One of a sequence (`execSequence`): it runs only if no line before it in the sequence failed. */
  sequence?: { first: boolean; mayFail: boolean };
}

/** A line of a sequence; `mayFail`: its failure does not stop the lines after it. */
export interface SequenceLine {
  line: string;
  options?: ExecOptions;
  mayFail: boolean;
}

export interface Shell {
  exec(line: string, options?: ExecOptions): Promise<ExecResult>;
  /** Read-only lines run side by side (probes): one round trip, as long as the slowest. */
  execAll(lines: readonly string[]): Promise<{ exitCode: number; output: string }[]>;
  /**
   * Lines sent at once and run one after another, bash going from one to the next without waiting for
   * this process; the first that fails (unless it may) stops the rest, which answer null. Optional: a
   * shell without it runs them one round trip each (`execSequence`).
   */
  sequence?(lines: readonly SequenceLine[]): Promise<ExecResult | null>[];
  close(): Promise<void>;
}

/** What fails a line of a sequence: an exit status other than 0, unless it may fail. Pure. */
const stops = (r: ExecResult, l: SequenceLine): boolean => r.exitCode !== 0 && !l.mayFail;

/** `shell.sequence`, or the same one line at a time where the shell has none. */
export function execSequence(shell: Shell, lines: readonly SequenceLine[]): Promise<ExecResult | null>[] {
  if (shell.sequence) return shell.sequence(lines);
  const out: Promise<ExecResult | null>[] = [];
  let going: Promise<boolean> = Promise.resolve(true);
  for (const l of lines) {
    const r = going.then((ok) => (ok ? shell.exec(l.line, l.options) : null));
    going = r.then(
      (x) => x !== null && !stops(x, l),
      () => false,
    );
    out.push(r);
  }
  return out;
}

const SEP = '\x1e';

/** The exit code a line of a sequence answers with when bash did not run it. */
const NOT_RUN = -1;

/** How long a background job (a web server) may take to listen; under heavy load Python alone takes seconds. */
const BACKGROUND_LIMIT_S = 50;

/** The bash text that runs one line and reports its status on both streams. Pure. */
export function framedCommand(n: number, line: string, options: ExecOptions, jobsDir: string | null): string {
  const bg = options.background;
  let body: string;
  const seq = options.sequence;
  if (bg && !jobsDir) {
    body = `echo 'background jobs need a lab or the host as target' >&2; __tsnet_rc=2`;
  } else if (!bg) {
    body = `eval ${shellQuote(line)} </dev/null; __tsnet_rc=$?`;
  } else {
    const cmd = line.replace(/\s*&\s*$/, '');
    const log = `${jobsDir}/job-${process.pid}-${n}.log`;
    const portHex = bg.port === null ? '' : bg.port.toString(16).toUpperCase().padStart(4, '0');
    // exec keeps the job's pid, so /proc/PID/net/tcp shows the sockets of the namespace it entered. setsid:
    // a Ctrl-C in the learner's terminal reaches the CLI, not the servers of the lab it keeps.
    // The wait starts no process: bash reads the socket tables itself (`read`, not `$(<…)`, which forks), and
    // sleeps with `read -t` on a pipe nobody writes to (one fork for the whole wait, not a `sleep` per poll).
    // So it can poll often (10 ms, 50 ms after the first half second) without keeping a loaded machine busier
    // than the server it waits for, and sees the port open soon after it does.
    const job = simpleCommand(cmd) ? `exec setsid ${cmd}` : `exec setsid bash -c ${shellQuote(cmd)}`;
    const listening = `$'\\n'\\ *[0-9]+:\\ [0-9A-F]+:${portHex}\\ [0-9A-F]+:[0-9A-F]+\\ 0A`;
    body = [
      `[ -d ${jobsDir} ] || mkdir -p ${jobsDir}; eval ${shellQuote(job)} </dev/null >${log} 2>&1 & __tsnet_pid=$!`,
      `__tsnet_rc=1; __tsnet_n=0; SECONDS=0; exec {__tsnet_nap}<> <(:)`,
      `while [ $SECONDS -lt ${BACKGROUND_LIMIT_S} ]; do`,
      `  kill -0 $__tsnet_pid 2>/dev/null || break`,
      portHex
        ? `  __tsnet_t=; __tsnet_t6=; { IFS= read -r -d '' __tsnet_t </proc/$__tsnet_pid/net/tcp; IFS= read -r -d '' __tsnet_t6 </proc/$__tsnet_pid/net/tcp6; } 2>/dev/null; if [[ $'\\n'$__tsnet_t$'\\n'$__tsnet_t6 =~ ${listening} ]]; then __tsnet_rc=0; break; fi`
        : `  if [ $__tsnet_n -ge 25 ]; then __tsnet_rc=0; break; fi`,
      `  __tsnet_n=$((__tsnet_n + 1)); __tsnet_p=0.05; [ $__tsnet_n -gt 50 ] || __tsnet_p=0.01; read -t $__tsnet_p -u $__tsnet_nap`,
      `done`,
      `exec {__tsnet_nap}<&-`,
      `if [ $__tsnet_rc = 0 ]; then echo "started in the background (pid $__tsnet_pid)${bg.port === null ? '' : `, listening on port ${bg.port}`}; log: ${log}";`,
      `elif kill -0 $__tsnet_pid 2>/dev/null; then cat ${log}; echo "still not listening on port ${bg.port} after ${BACKGROUND_LIMIT_S} s; stopped it" >&2; kill -9 $__tsnet_pid;`,
      `else cat ${log} >&2; wait $__tsnet_pid; echo "the background job exited with status $?" >&2; fi`,
    ].join('\n');
  }
  // In a sequence, a failed line stops the lines after it: they answer `-` (not run).
  if (seq)
    body = `${seq.first ? '__tsnet_failed=\n' : ''}if [ -z "$__tsnet_failed" ]; then\n${body}\n${seq.mayFail ? '' : '[ $__tsnet_rc = 0 ] || __tsnet_failed=1\n'}else __tsnet_rc=-; fi`;
  return `${body}\nprintf '${SEP}TSNET:${n}:%s${SEP}' "$__tsnet_rc"; printf '${SEP}TSNET:${n}${SEP}' >&2\n`;
}

/**
 * Output as a terminal would show it. Captured stdout makes curl print its progress meter on stderr,
 * which a learner who types `curl URL` never sees: a curlrc (found by curl behind any wrapper, nsenter
 * or `ip netns exec`) turns it off, keeping the errors. Where nothing may be written in the target
 * (pid:), an exported function does it for the lines bash runs. Pure.
 */
export function terminalLike(jobsDir: string | null): string {
  if (!jobsDir) return `curl() { command curl --no-progress-meter "$@"; }; export -f curl\n`;
  const home = `${jobsDir}/curl`;
  // mkdir only the first time in a target: a process less for every shell after it.
  return `{ [ -d ${home} ] || mkdir -p ${home}; } 2>/dev/null && echo no-progress-meter >${home}/.curlrc && export CURL_HOME=${home}\n`;
}

interface Pending {
  n: number;
  line: string;
  timeoutMs: number;
  started: number;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * Starts `argv… bash` (argv enters the target: nsenter for a lab, nothing for the host). `jobsDir` null:
 * write nothing in the target (grading someone else's sandbox); probes run side by side all the same.
 */
export async function openShell(
  argv: readonly string[],
  jobsDir: string | null,
  spawn: Spawner = execaSpawner,
): Promise<Shell> {
  const [cmd, ...args] = [...argv, 'bash', '--noprofile', '--norc'];
  const { child } = await spawn(cmd!, args, { LC_ALL: 'C', LANG: 'C', PATH: pathWithSbin() });
  let out = '';
  let err = '';
  let n = 0;
  let dead: string | null = null;
  const queue: Pending[] = [];
  let current: Pending | null = null;

  /** The line bash is on now: its time limit runs from when the one before it answered. */
  const begin = (p: Pending): void => {
    current = p;
    p.started = Date.now();
    p.timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`\`${p.line}\` did not finish within ${(p.timeoutMs / 1000).toFixed(1)} s; the shell was stopped`);
    }, p.timeoutMs);
  };

  /** Answers the lines whose output is all in, in the order they were sent. */
  const settle = (): void => {
    while (current) {
      const outMark = new RegExp(`${SEP}TSNET:${current.n}:(\\d+|-)${SEP}`).exec(out);
      const errMark = `${SEP}TSNET:${current.n}${SEP}`;
      const errAt = err.indexOf(errMark);
      if (!outMark || errAt < 0) return;
      const p = current;
      const result: ExecResult = {
        line: p.line,
        exitCode: outMark[1] === '-' ? NOT_RUN : Number(outMark[1]),
        stdout: out.slice(0, outMark.index),
        stderr: err.slice(0, errAt),
        durationMs: Date.now() - p.started,
      };
      out = out.slice(outMark.index + outMark[0].length);
      err = err.slice(errAt + errMark.length);
      if (p.timer) clearTimeout(p.timer);
      current = null;
      p.resolve(result);
      const after = queue.shift();
      if (after && !dead) begin(after);
    }
  };

  const fail = (why: string): void => {
    dead = why;
    for (const p of [current, ...queue.splice(0)]) {
      if (!p) continue;
      if (p.timer) clearTimeout(p.timer);
      p.reject(new Error(why));
    }
    current = null;
  };

  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out += d), settle()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((err += d), settle()));
  child.on('error', (e) => fail(`cannot start ${cmd}: ${e.message}`));
  child.on('exit', (code, signal) =>
    fail(`the shell in the target ended (${signal ?? `exit ${code}`})${err.trim() ? `: ${err.trim()}` : ''}`),
  );
  child.stdin!.on('error', () => undefined);
  // Servers started by lessons serve their working directory: give them an empty one, not the user's files.
  if (jobsDir)
    child.stdin!.write(
      `[ -d ${jobsDir}/www ] || mkdir -p ${jobsDir}/www 2>/dev/null; cd ${jobsDir}/www 2>/dev/null || cd /\n`,
    );
  child.stdin!.write(terminalLike(jobsDir));

  const shell: Shell = {
    execAll: (lines) => execSideBySide((script) => shell.exec(script), lines),
    exec(line, options = {}) {
      if (dead) return Promise.reject(new Error(dead));
      return new Promise<ExecResult>((resolve, reject) => {
        n++;
        const p: Pending = {
          n,
          line,
          timeoutMs: options.timeoutMs ?? 60_000,
          started: 0,
          resolve,
          reject,
          timer: null,
        };
        // Written at once: bash reads each line when it gets to it (every line's stdin is /dev/null).
        child.stdin!.write(framedCommand(n, line, options, jobsDir));
        if (current) queue.push(p);
        else begin(p);
      });
    },
    sequence(lines) {
      return lines.map((l, i) =>
        shell
          .exec(l.line, { ...l.options, sequence: { first: i === 0, mayFail: l.mayFail } })
          .then((r) => (r.exitCode === NOT_RUN ? null : r)),
      );
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => (clearTimeout(t), resolve()));
        child.stdin!.end();
      });
    },
  };
  return shell;
}
