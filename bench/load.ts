// Benchmark: 20 labs at once, each running lesson 7 in its own `tsnet-learn run`, against one run alone,
// interleaved. Prints median wall times, peak memory (sampled from /proc) and how many runs passed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.js';
import { runInParallel } from './parallelRuns.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const runs = arg('runs', 3);
/** Reading /proc for memory costs CPU that the runs compete for: four samples a second. */
const SAMPLE_MS = 250;
const labs = arg('labs', 20);
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-load-'));
const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

try {
  const single: number[] = [];
  const singleRss: number[] = [];
  const wall: number[] = [];
  const cliRss: number[] = [];
  const allPss: number[] = [];
  const passed: number[] = [];
  const names = Array.from({ length: labs }, (_, j) => `load${j}`);
  process.stdout.write(
    `lesson-7 (with lessons 5 and 6): one run alone, then ${labs} at once, each in a new lab; ${runs} rounds; load average ${load()}\n`,
  );
  for (let i = 0; i < runs; i++) {
    const one = await runInParallel({ cli: CLI, lesson: 'lesson-7', labs: ['alone'], env, sampleMs: SAMPLE_MS });
    if (one.runs[0]!.code !== 0) throw new Error(`a single run failed: ${one.runs[0]!.stderr}`);
    single.push(one.wallMs);
    singleRss.push(one.peakCliRssKiB);
    cli('lab', 'destroy', 'alone');
    const many = await runInParallel({ cli: CLI, lesson: 'lesson-7', labs: names, env, sampleMs: SAMPLE_MS });
    wall.push(many.wallMs);
    cliRss.push(many.peakCliRssKiB);
    allPss.push(many.peakAllPssKiB);
    passed.push(many.runs.filter((r) => r.code === 0).length);
    // Teardown is not timed.
    for (const n of names) cli('lab', 'destroy', n);
    process.stdout.write('.');
  }
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const mib = (kib: number): string => `${Math.round(kib / 1024)} MiB`;
  process.stdout.write(`\n\n`);
  process.stdout.write(
    `one run alone:            median ${s(median(single))}  (min ${s(Math.min(...single))}, max ${s(Math.max(...single))}), peak CLI RSS ${mib(median(singleRss))}\n`,
  );
  process.stdout.write(
    `${labs} runs at once:          median ${s(median(wall))}  (min ${s(Math.min(...wall))}, max ${s(Math.max(...wall))}); ${s(median(wall) / labs)} per lab\n`,
  );
  process.stdout.write(
    `peak memory, ${labs} at once:   CLIs ${mib(median(cliRss))} RSS (median of peaks); everything the runs started ${mib(median(allPss))} PSS\n`,
  );
  process.stdout.write(`passed:                   ${passed.join(', ')} of ${labs} per round\n`);
  process.stdout.write(`load average now:         ${load()} (other work on the machine counts too)\n`);
} finally {
  // Whatever a failed round left behind (destroying a missing lab does nothing).
  for (const n of ['alone', ...Array.from({ length: labs }, (_, j) => `load${j}`)]) cli('lab', 'destroy', n);
  rmSync(work, { recursive: true, force: true });
}
