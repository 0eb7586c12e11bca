// Benchmark: grading a class over ssh. Student labs are built once (lesson 7 through `run`), each reached
// by the real ssh and an `sshd -i` started in the lab through a ProxyCommand, as in the integration tests.
// It times `grade --jobs 8` against one student after another (`--jobs 1`), interleaved. One student's `check`
// over ssh against its floor is bench/ssh.ts (`npm run bench`).
// Root only (sshd logs in as root inside the labs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.js';
import { runInParallel } from './parallelRuns.js';
import { sshToLabs, sshUnavailable } from './sshToLabs.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** What a user runs: node, from the build's startup snapshot when there is one (the figures timed here). */
const BIN = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const runs = arg('runs', 3);
const students = arg('students', 20);
const jobs = arg('jobs', 8);
const unavailable = sshUnavailable();
if (unavailable) {
  process.stdout.write(`bench/class: skipped, ${unavailable}\n`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-class-'));
const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };
const names = Array.from({ length: students }, (_, i) => `class${i}`);
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
const ms = (xs: number[]): string =>
  `${median(xs).toFixed(0)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

function timed(argv: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  // `grade` exits 0 here: every lab is complete.
  if (r.status !== 0) throw new Error(`${argv.slice(0, 4).join(' ')} … exited ${r.status}: ${r.stdout}${r.stderr}`);
  return elapsed;
}

try {
  process.stdout.write(`building ${students} student labs (lesson 7), load average ${loadavg()[0]!.toFixed(1)}\n`);
  for (let i = 0; i < names.length; i += 5) {
    const built = await runInParallel({ cli: CLI, lesson: 'lesson-7', labs: names.slice(i, i + 5), env, sampleMs: 0 });
    const failed = built.runs.find((r) => r.code !== 0);
    if (failed) throw new Error(`building ${failed.lab} failed: ${failed.stderr}`);
  }
  const sshConfig = sshToLabs(work, names, env.TSNET_STATE_DIR);
  const roster = join(work, 'class.csv');
  writeFileSync(roster, `student,target\n${names.map((n) => `${n},ssh:${n}`).join('\n')}\n`);
  const grade = (j: number): number =>
    timed([BIN, 'grade', 'lesson-7', '--roster', roster, '--ssh-config', sshConfig, '--jobs', String(j)]);

  const parallel: number[] = [];
  const serial: number[] = [];
  // Interleaved, so both sides meet the same machine.
  for (let i = 0; i < runs; i++) {
    parallel.push(grade(jobs));
    serial.push(grade(1));
    process.stdout.write('.');
  }
  process.stdout.write(`\n\ngrade lesson-7, ${students} students over ssh, ${runs} runs each\n`);
  process.stdout.write(`--jobs ${jobs}                 ${ms(parallel)}\n`);
  process.stdout.write(`--jobs 1 (one by one) ${ms(serial)}\n`);
  process.stdout.write(
    `ratio --jobs ${jobs} / one by one (medians): ${(median(parallel) / median(serial)).toFixed(2)}×\n`,
  );
  process.stdout.write(`per student, --jobs ${jobs}: ${(median(parallel) / students).toFixed(0)} ms\n\n`);
  // One student's `check` over ssh against its floor is bench/ssh.ts, part of `npm run bench`.
  process.stdout.write(`load average now: ${loadavg()[0]!.toFixed(1)}\n`);
} finally {
  for (const n of names) cli('lab', 'destroy', n);
  rmSync(work, { recursive: true, force: true });
}
