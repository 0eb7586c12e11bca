// `npm run bench`: every speed figure of the issue, each against its floor, then one summary table with
// the load average before and after. Each bench also runs alone (node dist/bench/NAME.js --runs=N).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Figure, loadAverage } from './measure.js';

const BENCHES = ['startup', 'check', 'ssh', 'run', 'test', 'learn'];

/** The figures as one table, in the order they were measured. Pure. */
export function summaryTable(figures: readonly Figure[]): string {
  const head = ['figure', 'floor', 'tsnet-learn', 'floor', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.figure,
    f.floor || '—',
    f.measured,
    f.floorMeasured || '—',
    f.value,
    f.target,
    f.met ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const main = (): number => {
  const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-all-'));
  const results = join(work, 'figures.jsonl');
  writeFileSync(results, '');
  const before = loadAverage();
  const started = Date.now();
  try {
    for (const name of BENCHES) {
      process.stdout.write(`\n=== ${name} (load average ${loadAverage()}) ===\n`);
      const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.js`, import.meta.url))], {
        stdio: 'inherit',
        env: { ...process.env, TSNET_BENCH_RESULTS: results },
      });
      if (r.status !== 0) {
        process.stderr.write(`bench ${name} failed (exit ${r.status ?? r.signal})\n`);
        return 1;
      }
    }
    const figures = readFileSync(results, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Figure);
    process.stdout.write(
      `\n=== summary: medians side by side, ${((Date.now() - started) / 60000).toFixed(1)} min, load average ${before} before, ${loadAverage()} after ===\n\n${summaryTable(figures)}\n`,
    );
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
