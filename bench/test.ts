// Benchmark: the whole course with `tsnet-learn test`, serial and with --jobs 2, against raw bash scripts of
// the same commands and the same checks' reads and probes in fresh labs, serial and two at a time,
// interleaved in one run. Prints medians and ratios.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, resolveLesson } from '../src/lesson/catalog.js';
import { labInitScript } from '../src/lab/labWorld.js';
import { median, ms, ratio, record, tableHeader, tableRow, time } from './measure.js';
import { rawScript } from './rawScript.js';

/** What a user runs: node, from the build's startup snapshot when there is one. */
const CLI = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-test-'));
const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };

try {
  const catalog = loadCatalog();
  const lessons = (await catalog).lessons;
  // One raw script per lesson, each with its prerequisites, each in a fresh lab: what `test` does.
  const init = join(work, 'init.sh');
  writeFileSync(init, labInitScript());
  const unshareArgs = process.getuid?.() === 0 ? '' : '--user --map-root-user';
  const enterArgs = process.getuid?.() === 0 ? '' : '--user --preserve-credentials';
  // Per lesson: bash that runs its raw script in a fresh lab, and the same with the checks' reads and probes.
  const plain: string[] = [];
  const checked: string[] = [];
  const weights: number[] = [];
  const inLab = (
    script: string,
  ): string => `exec 3< <(unshare ${unshareArgs} --net --mount --pid --fork --kill-child --mount-proc --propagation private bash ${init} 2>/dev/null)
read -r ready <&3
read -r holder _ < /proc/$!/task/$!/children
nsenter -t "$holder" ${enterArgs} --net --mount --pid -- bash ${script} >/dev/null 2>&1 || { kill -9 "$holder"; exit 1; }
kill -9 "$holder"
exec 3<&-`;
  for (const [i, l] of lessons.entries()) {
    const { chain } = await resolveLesson(l.id, catalog);
    const script = join(work, `raw-${i}.sh`);
    const withChecks = join(work, `raw-checked-${i}.sh`);
    writeFileSync(script, await rawScript(chain));
    writeFileSync(withChecks, await rawScript(chain, { checks: true }));
    plain.push(inLab(script));
    checked.push(inLab(withChecks));
    weights.push(chain.reduce((n, c) => n + c.steps.length, 0));
  }
  const driver = join(work, 'raw-course.sh');
  const checkedDriver = join(work, 'raw-course-checked.sh');
  writeFileSync(driver, plain.join('\n'));
  writeFileSync(checkedDriver, checked.join('\n'));
  // Two at a time, as --jobs 2 does: the lessons split into two halves of about the same number of steps.
  const halves: string[][] = [[], []];
  const load = [0, 0];
  for (const i of weights.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]!)) {
    const h = load[0]! <= load[1]! ? 0 : 1;
    halves[h]!.push(checked[i]!);
    load[h]! += weights[i]!;
  }
  halves.forEach((h, i) => writeFileSync(join(work, `raw-half-${i}.sh`), h.join('\n')));
  const twoDriver = join(work, 'raw-course-two.sh');
  writeFileSync(
    twoDriver,
    `bash ${join(work, 'raw-half-0.sh')} & a=$!\nbash ${join(work, 'raw-half-1.sh')} & b=$!\nwait $a && wait $b\n`,
  );
  const raw: number[] = [];
  const rawChecked: number[] = [];
  const rawTwo: number[] = [];
  const serial: number[] = [];
  const jobs2: number[] = [];
  process.stdout.write(
    `the whole course (${lessons.length} lessons, each with its prerequisites in a fresh lab), ${runs} runs each, interleaved\n`,
  );
  for (let i = 0; i < runs; i++) {
    raw.push(time(['bash', driver], env));
    rawChecked.push(time(['bash', checkedDriver], env));
    rawTwo.push(time(['bash', twoDriver], env));
    serial.push(time([CLI, 'test', '--jobs', '1', '--format', 'json'], env));
    jobs2.push(time([CLI, 'test', '--jobs', '2', '--format', 'json'], env));
    process.stdout.write('.');
  }
  const row = (name: string, xs: number[]): string => tableRow(name, xs, 44);
  process.stdout.write(`\n\n${tableHeader(44)}`);
  process.stdout.write(
    row('raw bash scripts, serial', raw) +
      row('raw bash scripts + the same checks, serial', rawChecked) +
      row('raw + the same checks, two at a time', rawTwo) +
      row('tsnet-learn test --jobs 1', serial) +
      row('tsnet-learn test --jobs 2', jobs2),
  );
  const r = (a: number[], b: number[]): string => `${(median(a) / median(b)).toFixed(2)}×`;
  // The floors: the same reads and probes done by bash, serial and two at a time.
  const serialRatio = ratio(serial, median(rawChecked), 1.1);
  const twoRatio = ratio(jobs2, median(rawTwo), 1.05);
  process.stdout.write(`\nratio test --jobs 1 / raw + checks, serial:       ${serialRatio.value}   (target ≤ 1.1×)\n`);
  process.stdout.write(`ratio test --jobs 2 / raw + checks, two at a time: ${twoRatio.value}   (target ≤ 1.05×)\n`);
  process.stdout.write(
    `ratio raw + checks / raw:                         ${r(rawChecked, raw)}   (the work of checking alone)\n`,
  );
  process.stdout.write(
    `ratio raw + checks, two at a time / serial:       ${r(rawTwo, rawChecked)}   (what 2 cores give bash)\n`,
  );
  process.stdout.write(`ratio test --jobs 2 / --jobs 1:                   ${r(jobs2, serial)}\n`);
  record({
    figure: 'test, the course, serial',
    floor: 'raw bash + the same checks, serial',
    measured: ms(median(serial)),
    floorMeasured: ms(median(rawChecked)),
    target: '≤ 1.10×',
    ...serialRatio,
  });
  record({
    figure: 'test --jobs 2',
    floor: 'raw bash + the same checks, two at a time',
    measured: ms(median(jobs2)),
    floorMeasured: ms(median(rawTwo)),
    target: '≤ 1.05×',
    ...twoRatio,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
