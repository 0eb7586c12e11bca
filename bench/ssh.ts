// Benchmark: `check lesson-7 --target ssh:…` on a built lab reached by the real ssh and sshd, against its
// floor: a raw `ssh HOST bash -s` doing the same reads and probes, judging nothing. Interleaved, medians.
// Root and sshd only (bench/sshToLabs.ts): elsewhere it says why it is skipped, and the figure is not met.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLesson } from '../src/lesson/catalog.js';
import { type Figure, median, ms, ratio, record } from './measure.js';
import { rawCheckOverSsh, sshToLabs, sshUnavailable } from './sshToLabs.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** What a user runs: node, from the build's startup snapshot when there is one (the figure timed here). */
const BIN = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 15);
const figure: Omit<Figure, 'measured' | 'floorMeasured' | 'value' | 'met'> = {
  figure: 'check lesson-7 over ssh',
  floor: 'raw ssh HOST bash -s, same reads and probes',
  target: '≤ 1.30×',
};

/** Wall time; `ok` says whether what it printed is the expected outcome. */
function timed(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  ok: (status: number | null, out: string) => boolean,
  input?: string,
): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', ...(input ? { input } : {}) });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!ok(r.status, r.stdout))
    throw new Error(`${argv.slice(0, 4).join(' ')} … exited ${r.status}: ${r.stdout}${r.stderr}`);
  return elapsed;
}

/**
 * The lab is complete: nothing fails. The outside world's checks are skipped over ssh (the machine has no
 * outside world, and the grader sends nothing unasked), and a skipped check is not earned: exit 1.
 */
const nothingFailed = (status: number | null, out: string): boolean =>
  (status === 0 || status === 1) && (JSON.parse(out) as { summary: { failed: number } }).summary.failed === 0;

const unavailable = sshUnavailable();
if (unavailable) {
  process.stdout.write(`bench/ssh: skipped, ${unavailable}\n`);
  record({ ...figure, measured: 'skipped', floorMeasured: '', value: unavailable, met: false });
} else {
  const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-ssh-'));
  const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };
  const lab = `bench-ssh-${process.pid}`;
  try {
    const built = spawnSync(process.execPath, [CLI, 'run', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'], {
      env,
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`building the lab failed: ${built.stderr}`);
    const sshConfig = sshToLabs(work, [lab], env.TSNET_STATE_DIR);
    const raw = await rawCheckOverSsh((await resolveLesson('lesson-7')).chain, sshConfig, lab);
    const check = [BIN, 'check', 'lesson-7', '--target', `ssh:${lab}`, '--ssh-config', sshConfig];
    const tool: number[] = [];
    const floor: number[] = [];
    // Interleaved, so both meet the same machine; `check` exits 0: the lab is complete.
    for (let i = 0; i < runs; i++) {
      tool.push(timed([...check, '--format', 'json'], env, nothingFailed));
      floor.push(timed(raw.argv, env, (status) => status === 0, raw.script));
    }
    const f = (xs: number[]): string =>
      `${ms(median(xs))}   (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    const { value, met } = ratio(tool, median(floor), 1.3);
    process.stdout.write(`check lesson-7 over ssh (sshd -i in a lab), ${runs} runs each, interleaved\n`);
    process.stdout.write(`tsnet-learn check --target ssh:…            ${f(tool)}\n`);
    process.stdout.write(`raw ssh HOST bash -s, same reads and probes  ${f(floor)}\n`);
    process.stdout.write(`ratio check / raw (medians): ${value}   (target ≤ 1.30×)\n`);
    record({ ...figure, measured: ms(median(tool)), floorMeasured: ms(median(floor)), value, met });
  } finally {
    spawnSync(process.execPath, [CLI, 'lab', 'destroy', lab], { env });
    rmSync(work, { recursive: true, force: true });
  }
}
