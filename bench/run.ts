// Benchmark: lesson 7 with its prerequisites through tsnet-learn vs a raw bash script of the same commands,
// each in a fresh lab of the same kind, interleaved in one run. Prints medians and the ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLesson } from '../src/lesson/catalog.js';
import { labInitScript } from '../src/lab/labWorld.js';
import { median, ms, ratio, record, tableHeader, tableRow, time } from './measure.js';
import { rawScript } from './rawScript.js';

/** What a user runs: node, from the build's startup snapshot when there is one. */
const CLI = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 10);
const lessonArg = process.argv.find((a) => a.startsWith('--lesson='))?.slice(9) ?? 'lesson-7';

/** Raw: create the same lab with unshare, run the script inside with nsenter, kill the lab. All bash. */
function rawDriver(initFile: string, scriptFile: string): string {
  const unshareArgs = process.getuid?.() === 0 ? '' : '--user --map-root-user';
  const enterArgs = process.getuid?.() === 0 ? '' : '--user --preserve-credentials';
  return `
exec 3< <(unshare ${unshareArgs} --net --mount --pid --fork --kill-child --mount-proc --propagation private bash ${initFile} 2>/dev/null)
read -r ready <&3
read -r holder _ < /proc/$!/task/$!/children
nsenter -t "$holder" ${enterArgs} --net --mount --pid -- bash ${scriptFile}
rc=$?
echo "$holder" > ${scriptFile}.holder
exit $rc
`;
}

const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-'));
const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };
try {
  const { chain } = await resolveLesson(lessonArg);
  const initFile = join(work, 'init.sh');
  const scriptFile = join(work, 'raw.sh');
  const checkedFile = join(work, 'raw-checked.sh');
  writeFileSync(initFile, labInitScript());
  writeFileSync(scriptFile, await rawScript(chain));
  writeFileSync(checkedFile, await rawScript(chain, { checks: true }));
  writeFileSync(join(work, 'driver.sh'), rawDriver(initFile, scriptFile));
  writeFileSync(join(work, 'driver-checked.sh'), rawDriver(initFile, checkedFile));
  const tool: number[] = [];
  const raw: number[] = [];
  const checked: number[] = [];
  const rawRun = (driver: string, script: string): number => {
    try {
      return time(['bash', join(work, driver)]);
    } finally {
      process.kill(Number(readFileSync(`${script}.holder`, 'utf8')), 'SIGKILL');
    }
  };
  process.stdout.write(
    `${lessonArg} (${chain.map((l) => l.id).join(' → ')}), ${runs} runs each, interleaved; each run creates its lab (teardown not timed)\n`,
  );
  for (let i = 0; i < runs; i++) {
    raw.push(rawRun('driver.sh', scriptFile));
    checked.push(rawRun('driver-checked.sh', checkedFile));
    const lab = `bench-${process.pid}-${i}`;
    tool.push(time([CLI, 'run', lessonArg, '--target', `lab:${lab}`, '--format', 'json'], env));
    // Teardown is not timed on either side.
    time([CLI, 'lab', 'destroy', lab], env);
    process.stdout.write('.');
  }
  const mt = median(tool);
  const mr = median(raw);
  const mc = median(checked);
  process.stdout.write(`\n\n${tableHeader(34)}`);
  for (const [name, xs] of [
    ['raw bash script', raw],
    ['raw bash script + the same checks', checked],
    ['tsnet-learn run', tool],
  ] as const) {
    process.stdout.write(tableRow(name, xs, 34));
  }
  // The floor is the second script: it reads what each step's checks read and sends their probes, judging
  // nothing (the cost of checking itself, whoever does it). What is left above it is tsnet-learn's own.
  const { value, met } = ratio(tool, mc, 1.25);
  process.stdout.write(
    `\nratio tsnet-learn / raw + checks:   ${value}   (target ≤ 1.25×: node, judging, reporting, what changed)\n`,
  );
  process.stdout.write(`ratio raw + checks / raw:           ${(mc / mr).toFixed(2)}×   (the work of checking alone)\n`);
  process.stdout.write(`ratio tsnet-learn / raw:            ${(mt / mr).toFixed(2)}×\n`);
  record({
    figure: `run ${lessonArg} (${chain.map((l) => l.id.replace('lesson-', '')).join(', ')})`,
    floor: 'raw bash + the same checks',
    measured: ms(mt),
    floorMeasured: ms(mc),
    value,
    target: '≤ 1.25×',
    met,
  });
} finally {
  // A failed run must not leave a lab behind: destroy whatever is still recorded, then the records.
  for (const r of spawnSync(CLI, ['lab', 'list'], { env, encoding: 'utf8' }).stdout.split('\n')) {
    const name = /^(bench-\S+)\s+running/.exec(r)?.[1];
    if (name) spawnSync(CLI, ['lab', 'destroy', name], { env });
  }
  rmSync(work, { recursive: true, force: true });
}
