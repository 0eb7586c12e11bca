// Benchmark: lesson 7 with its prerequisites through tsnet-learn vs a raw bash script of the same commands,
// each in a fresh lab of the same kind, interleaved in one run. Prints medians and the ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLesson } from '../src/catalog.js';
import { labInitScript } from '../src/lab/labWorld.js';
import { median, tableHeader, tableRow, time } from './measure.js';
import { rawScript } from './rawScript.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
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
  const driverFile = join(work, 'driver.sh');
  writeFileSync(initFile, labInitScript());
  writeFileSync(scriptFile, rawScript(chain));
  writeFileSync(driverFile, rawDriver(initFile, scriptFile));
  const tool: number[] = [];
  const raw: number[] = [];
  process.stdout.write(`${lessonArg} (${chain.map((l) => l.id).join(' → ')}), ${runs} runs each, interleaved; each run creates its lab (teardown not timed)\n`);
  for (let i = 0; i < runs; i++) {
    try {
      raw.push(time(['bash', driverFile]));
    } finally {
      process.kill(Number(readFileSync(`${scriptFile}.holder`, 'utf8')), 'SIGKILL');
    }
    const lab = `bench-${process.pid}-${i}`;
    tool.push(time([process.execPath, CLI, 'run', lessonArg, '--target', `lab:${lab}`, '--format', 'json'], env));
    // Teardown is not timed on either side.
    time([process.execPath, CLI, 'lab', 'destroy', lab], env);
    process.stdout.write('.');
  }
  const mt = median(tool);
  const mr = median(raw);
  process.stdout.write(`\n\n${tableHeader(24)}`);
  for (const [name, xs] of [
    ['raw bash script', raw],
    ['tsnet-learn run', tool],
  ] as const) {
    process.stdout.write(tableRow(name, xs, 24));
  }
  process.stdout.write(`\nratio tsnet-learn / raw (medians): ${(mt / mr).toFixed(2)}×   (target ≤ 1.25×)\n`);
} finally {
  // A failed run must not leave a lab behind: destroy whatever is still recorded, then the records.
  for (const r of spawnSync(process.execPath, [CLI, 'lab', 'list'], { env, encoding: 'utf8' }).stdout.split('\n')) {
    const name = /^(bench-\S+)\s+running/.exec(r)?.[1];
    if (name) spawnSync(process.execPath, [CLI, 'lab', 'destroy', name], { env });
  }
  rmSync(work, { recursive: true, force: true });
}
