// Benchmark: grading lesson 7 on a built lab. Median wall time and processes spawned per `check`
// (the kernel's fork counter in /proc/stat, so run it on an otherwise idle machine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 15);
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-check-'));
const env = { ...process.env, TSNET_STATE_DIR: work, NO_COLOR: '1' };
const lab = `bench-check-${process.pid}`;

const forks = (): number => Number(/^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);

try {
  const built = spawnSync(process.execPath, [CLI, 'run', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'], { env, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the lab failed: ${built.stderr}`);
  const ms: number[] = [];
  const procs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const f0 = forks();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, 'check', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'], { env, encoding: 'utf8' });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // The node process itself is one of them.
    procs.push(forks() - f0);
    if (r.status !== 0) throw new Error(`check failed: ${r.stdout}${r.stderr}`);
  }
  process.stdout.write(`check lesson-7 on a built lab, ${runs} runs\n`);
  process.stdout.write(`median wall time   ${median(ms).toFixed(0)} ms   (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}; target ≤ 200 ms)\n`);
  process.stdout.write(`processes spawned  ${median(procs)} median   (min ${Math.min(...procs)}, max ${Math.max(...procs)}; target ≤ 25)\n`);
} finally {
  spawnSync(process.execPath, [CLI, 'lab', 'destroy', lab], { env });
  rmSync(work, { recursive: true, force: true });
}
