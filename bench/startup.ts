// Benchmark: commands that only start, read the lessons and print (`list`, `--help`) against node
// itself doing nothing (`node -e 0`), interleaved. Prints medians and ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, ratio, record, tableHeader, tableRow, time } from './measure.js';

/** What a user runs: node, from the build's startup snapshot when there is one. */
const CLI = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 61);
const TARGET = 1.3;
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-startup-'));
const env = { ...process.env, TSNET_STATE_DIR: work, NO_COLOR: '1' };

try {
  const runners = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], times: [] as number[] },
    { name: 'tsnet-learn list', argv: [CLI, 'list'], times: [] as number[] },
    { name: 'tsnet-learn --help', argv: [CLI, '--help'], times: [] as number[] },
  ];
  for (let i = 0; i < runs; i++) for (const r of runners) r.times.push(time(r.argv, env));
  process.stdout.write(`starting: list and --help against node -e 0, ${runs} runs each, interleaved\n\n`);
  process.stdout.write(tableHeader(20) + runners.map((r) => tableRow(r.name, r.times, 20)).join(''));
  const floor = median(runners[0]!.times);
  for (const r of runners.slice(1)) {
    const { value, met } = ratio(r.times, floor, TARGET);
    process.stdout.write(`ratio ${r.name.slice(12)} / node -e 0: ${value}   (target ≤ ${TARGET.toFixed(2)}×)\n`);
    record({
      figure: r.name.slice(12),
      floor: 'node -e 0',
      measured: ms(median(r.times)),
      floorMeasured: ms(floor),
      value,
      target: `≤ ${TARGET.toFixed(2)}×`,
      met,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
