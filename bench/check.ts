// Benchmark: grading lesson 7 on a built lab, against its floor: node -e 0 plus bash doing the same reads
// and probes. Also the processes one `check` spawns, counted with strace (forks that are not threads: node's
// own worker threads are not processes spawned), in runs apart from the timed ones so tracing does not slow them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLesson } from '../src/lesson/catalog.js';
import { diagnosisNeeds } from '../src/judge/diagnose.js';
import { lessonTopology } from '../src/lesson/lessonTopology.js';
import { gradedChecks } from '../src/judge/grade.js';
import { median, ms, ratio, record, time } from './measure.js';
import { rawChecks } from './rawScript.js';

/** What a user runs: node, from the build's startup snapshot when there is one. */
const CLI = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 21);
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-check-'));
const env = { ...process.env, TSNET_STATE_DIR: work, NO_COLOR: '1' };
const lab = `bench-check-${process.pid}`;
const check = ['check', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'];

/** Processes (not threads) that one check spawns, from an strace of every fork; null without strace. */
function spawnedProcesses(): number | null {
  const log = join(work, 'strace.log');
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-e', 'trace=clone,clone3,fork,vfork', '-e', 'signal=none', '-o', log, CLI, ...check],
    { env, encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) return null;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => /\b(clone3?|v?fork)\(/.test(l) && !l.includes('CLONE_THREAD') && !l.includes('resumed')).length;
}

/**
 * The floor: bash in the lab doing the same work without judging: one read of everything `check` reads,
 * then the same probes side by side. Only the processes that the grading cannot do without.
 */
async function rawGrading(): Promise<string> {
  const { chain } = await resolveLesson('lesson-7');
  return rawChecks(
    gradedChecks(chain, false).flatMap((g) => g.decls.map((d) => d.decl)),
    diagnosisNeeds(lessonTopology(chain)),
  );
}

try {
  const rawFile = join(work, 'raw-grading.sh');
  writeFileSync(rawFile, await rawGrading());
  const built = spawnSync(CLI, ['run', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'], {
    env,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`building the lab failed: ${built.stderr}`);
  const pid = /running\s+pid (\d+)/.exec(spawnSync(CLI, ['lab', 'list'], { env, encoding: 'utf8' }).stdout)?.[1];
  if (!pid) throw new Error('the lab built for the bench is not running');
  const enter = process.getuid?.() === 0 ? [] : ['--user', '--preserve-credentials'];
  const tool: number[] = [];
  const raw: number[] = [];
  const bare: number[] = [];
  // Interleaved, so all three meet the same machine. The floor is node starting and ending (node -e 0)
  // plus bash doing the reads and probes: what any checker written for node cannot do without.
  for (let i = 0; i < runs; i++) {
    bare.push(time([process.execPath, '-e', '0'], env));
    let t0 = process.hrtime.bigint();
    const r = spawnSync(CLI, [...check], { env, encoding: 'utf8' });
    tool.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`check failed: ${r.stdout}${r.stderr}`);
    t0 = process.hrtime.bigint();
    const b = spawnSync('nsenter', ['-t', pid, ...enter, '--net', '--mount', '--pid', '--', 'bash', rawFile], {
      env,
      encoding: 'utf8',
    });
    raw.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (b.status !== 0) throw new Error(`the raw grading script failed: ${b.stderr}`);
  }
  const procs = [0, 1, 2].map(spawnedProcesses).filter((n): n is number => n !== null);
  const f = (xs: number[]): string =>
    `${ms(median(xs))}   (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  const floor = median(bare) + median(raw);
  const { value, met } = ratio(tool, floor, 1.2);
  process.stdout.write(`check lesson-7 on a built lab, ${runs} runs each, interleaved\n`);
  process.stdout.write(`tsnet-learn check                                    ${f(tool)}\n`);
  process.stdout.write(`node -e 0                                            ${f(bare)}\n`);
  process.stdout.write(`raw bash, the same reads and probes, judging nothing ${f(raw)}\n`);
  process.stdout.write(`ratio check / (node -e 0 + raw): ${value}   (target ≤ 1.2×)\n`);
  process.stdout.write(
    procs.length
      ? `processes spawned  ${median(procs)} median of ${procs.length} traced runs   (min ${Math.min(...procs)}, max ${Math.max(...procs)})\n`
      : 'processes spawned  not counted: strace is not installed (apt-get install strace)\n',
  );
  record({
    figure: 'check lesson-7 (built lab)',
    floor: 'node -e 0 + raw bash reads and probes',
    measured: ms(median(tool)),
    floorMeasured: `${median(bare).toFixed(0)} + ${ms(median(raw))}`,
    value,
    target: '≤ 1.20×',
    met,
  });
} finally {
  spawnSync(CLI, ['lab', 'destroy', lab], { env });
  rmSync(work, { recursive: true, force: true });
}
