// Many `tsnet-learn run`s at once, each in its own lab: their results, the wall time, and peak memory
// sampled from /proc. Shared by the load benchmark and the load test.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface RunResult {
  lab: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ParallelRuns {
  /** From starting the first CLI to the exit of the last. */
  wallMs: number;
  runs: RunResult[];
  /** Peak of the summed resident memory of the CLI (node) processes, in KiB. */
  peakCliRssKiB: number;
  /**
   * Peak of the summed proportional memory (Pss: shared pages divided among their users) of every
   * process the runs started: CLIs, lab inits, shells, servers, ip/iptables. In KiB.
   */
  peakAllPssKiB: number;
  /** How many times memory was sampled. */
  samples: number;
}

/** Rss and Pss of a process in KiB, from /proc/PID/smaps_rollup; null when it is gone. */
function memoryOf(pid: number): { rss: number; pss: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rss: field('Rss'), pss: field('Pss') };
  } catch {
    return null;
  }
}

/**
 * Runs `run LESSON --target lab:NAME --format json` for every name at once, with `env` (its
 * TSNET_STATE_DIR marks their processes). Memory is sampled every `sampleMs` (0: not at all); a
 * sample reads /proc, which costs CPU the runs compete for, so sample no more often than needed.
 */
export async function runInParallel(options: {
  cli: string;
  lesson: string;
  labs: readonly string[];
  env: NodeJS.ProcessEnv;
  sampleMs: number;
}): Promise<ParallelRuns> {
  const marker = `TSNET_STATE_DIR=${options.env.TSNET_STATE_DIR}`;
  // Whether a pid (with its start time) belongs to the runs: environ is read once per process.
  const known = new Map<string, boolean>();
  const ours = (pid: string): boolean => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return false;
    }
    const key = `${pid}:${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
    let mine = known.get(key);
    if (mine === undefined) {
      try {
        mine = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
      } catch {
        mine = false;
      }
      known.set(key, mine);
    }
    return mine;
  };
  const clis = new Set<number>();
  let peakCliRssKiB = 0;
  let peakAllPssKiB = 0;
  let samples = 0;
  const sample = (): void => {
    let cli = 0;
    let all = 0;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || !ours(d)) continue;
      const m = memoryOf(Number(d));
      if (!m) continue;
      all += m.pss;
      if (clis.has(Number(d))) cli += m.rss;
    }
    peakCliRssKiB = Math.max(peakCliRssKiB, cli);
    peakAllPssKiB = Math.max(peakAllPssKiB, all);
    samples++;
  };
  const started = process.hrtime.bigint();
  const timer = options.sampleMs > 0 ? setInterval(sample, options.sampleMs) : null;
  const runs = await Promise.all(
    options.labs.map(
      (lab) =>
        new Promise<RunResult>((resolve) => {
          const child = spawn(
            process.execPath,
            [options.cli, 'run', options.lesson, '--target', `lab:${lab}`, '--format', 'json'],
            { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          if (child.pid) clis.add(child.pid);
          let stdout = '';
          let stderr = '';
          child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
          child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
          child.on('close', (code) => resolve({ lab, code, stdout, stderr }));
        }),
    ),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (timer) clearInterval(timer);
  return { wallMs, runs, peakCliRssKiB, peakAllPssKiB, samples };
}
