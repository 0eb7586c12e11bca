// What every benchmark here needs: medians, timing a command, one row of its table, and its line of the
// summary (`record`). Pure but for `time`, `record` and `loadAverage`.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall time of a command in ms; a failure stops the benchmark with the command's stderr. */
export function time(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function tableHeader(width: number): string {
  return `${'runner'.padEnd(width)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}\n`;
}

export function tableRow(name: string, xs: readonly number[], width: number): string {
  const ms = (n: number): string => `${n.toFixed(0)} ms`.padStart(9);
  return `${name.padEnd(width)} ${ms(median(xs))} ${ms(Math.min(...xs))} ${ms(Math.max(...xs))}\n`;
}

/** One line of the summary `npm run bench` ends with: a figure, what it is measured against, and the verdict. */
export interface Figure {
  figure: string;
  floor: string;
  /** tsnet-learn's median, as printed (`1057 ms`). */
  measured: string;
  /** The floor's median, as printed (`779 ms`, `120 + 65 ms`); empty for an absolute target. */
  floorMeasured: string;
  /** `1.36×` or `97 ms`: what the target is about. */
  value: string;
  target: string;
  met: boolean;
}

/** Hands a figure to the summary (bench/all.ts sets TSNET_BENCH_RESULTS); run alone, a bench just prints. */
export function record(f: Figure): void {
  const file = process.env.TSNET_BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(f)}\n`);
}

/** A ratio of medians as the summary prints it, and whether it meets `limit`. */
export function ratio(tool: readonly number[], floor: number, limit: number): { value: string; met: boolean } {
  const r = median(tool) / floor;
  return { value: `${r.toFixed(2)}×`, met: r <= limit };
}

/** The load average (1, 5, 15 minutes): on a shared machine the numbers mean little without it. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

export const ms = (n: number): string => `${n.toFixed(0)} ms`;
