// What every benchmark here needs: medians, timing a command, and one row of the results table. Pure but for `time`.
import { spawnSync } from 'node:child_process';

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
