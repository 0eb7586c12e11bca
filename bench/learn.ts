// Benchmark: what `learn` does after every command the learner types (judge the current step, read
// everything, compare), on a lab where lesson 7 is built. Median over N rounds of lesson 7's steps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLesson } from '../src/lesson/catalog.js';
import { takeFullSnapshot } from '../src/snapshot/fullSnapshot.js';
import { reevaluate, touchedBy } from '../src/learn/learnSession.js';
import type { Step } from '../src/lesson/lesson.js';
import { openShell } from '../src/target/shell.js';
import { openTarget } from '../src/target/target.js';
import { median, ms, record } from './measure.js';

/** What a user runs: node, from the build's startup snapshot when there is one. */
const CLI = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-learn-'));
process.env.TSNET_STATE_DIR = work;
const lab = `bench-learn-${process.pid}`;

try {
  const built = spawnSync(CLI, ['run', 'lesson-7', '--target', `lab:${lab}`, '--format', 'json'], {
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`building the lab failed: ${built.stderr}`);
  const { lesson } = await resolveLesson('lesson-7');
  const target = await openTarget({ kind: 'lab', name: lab }, { create: false, allowHost: false });
  // As learn does: two shells read each snapshot side by side while the third probes.
  const shells = await Promise.all([1, 2, 3].map(() => openShell(target.argv, target.jobsDir)));
  try {
    let before = await takeFullSnapshot(shells[0]!, false);
    // After a step's commands: the namespaces they ran in or named are read in full (step 1 names netns0).
    const touchedByStep = (step: Step): ((ns: string) => boolean) => {
      const tests = step.commands.map((c) => touchedBy(c.line, c.context?.netns ?? 'host'));
      return (ns) => tests.some((t) => t(ns));
    };
    const round = async (
      touched: (step: Step) => (ns: string) => boolean,
    ): Promise<{ all: number[]; perStep: Map<number, number[]> }> => {
      const all: number[] = [];
      const perStep = new Map<number, number[]>();
      for (let i = 0; i < runs; i++) {
        for (const step of lesson.steps) {
          const t0 = process.hrtime.bigint();
          const r = await reevaluate(shells, target, step, before, touched(step));
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (r.results.some((x) => x.status !== 'passed'))
            throw new Error(`lesson-7 step ${step.index} does not hold on the built lab`);
          if (r.changes.length)
            throw new Error(`nothing should change between two readings: ${JSON.stringify(r.changes)}`);
          before = r.snapshot;
          all.push(ms);
          perStep.set(step.index, [...(perStep.get(step.index) ?? []), ms]);
        }
      }
      return { all, perStep };
    };
    const f = (xs: number[]): string =>
      `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    const typical = await round(touchedByStep);
    const everything = await round(() => () => true);
    process.stdout.write(
      `learn: re-evaluation after a command, lesson-7 on a built lab, ${runs} rounds of ${lesson.steps.length} steps\n`,
    );
    for (const [index, xs] of typical.perStep) {
      const step = lesson.steps[index - 1]!;
      process.stdout.write(`  step ${index} (${step.checks.filter((c) => !c.transient).length} checks)  ${f(xs)}\n`);
    }
    process.stdout.write(`median re-evaluation  ${f(typical.all)}   target ≤ 100 ms\n`);
    record({
      figure: 'learn: verdict after a command',
      floor: '',
      measured: ms(median(typical.all)),
      floorMeasured: '',
      value: ms(median(typical.all)),
      target: '≤ 100 ms',
      met: median(typical.all) <= 100,
    });
    process.stdout.write(`  (every namespace read in full, as after a command inside each: ${f(everything.all)})\n`);
  } finally {
    await Promise.all(shells.map((s) => s.close()));
  }
} finally {
  spawnSync(CLI, ['lab', 'destroy', lab], { env: process.env });
  rmSync(work, { recursive: true, force: true });
}
