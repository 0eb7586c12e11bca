// Benchmark: the whole course with `tsnet-learn test`, serial and with --jobs 2, against a raw bash
// script of the same commands in fresh labs (serial), interleaved in one run. Prints medians and ratios.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, resolveLesson } from '../src/catalog.js';
import { labInitScript } from '../src/lab/labWorld.js';
import { tableHeader, tableRow, time, median } from './measure.js';
import { rawScript } from './rawScript.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
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
  const parts: string[] = [];
  for (const [i, l] of lessons.entries()) {
    const { chain } = await resolveLesson(l.id, catalog);
    const script = join(work, `raw-${i}.sh`);
    writeFileSync(script, rawScript(chain));
    parts.push(`exec 3< <(unshare ${unshareArgs} --net --mount --pid --fork --kill-child --mount-proc --propagation private bash ${init} 2>/dev/null)
read -r ready <&3
read -r holder _ < /proc/$!/task/$!/children
nsenter -t "$holder" ${enterArgs} --net --mount --pid -- bash ${script} >/dev/null 2>&1 || { kill -9 "$holder"; exit 1; }
kill -9 "$holder"
exec 3<&-`);
  }
  const driver = join(work, 'raw-course.sh');
  writeFileSync(driver, parts.join('\n'));
  const raw: number[] = [];
  const serial: number[] = [];
  const jobs2: number[] = [];
  process.stdout.write(`the whole course (${lessons.length} lessons, each with its prerequisites in a fresh lab), ${runs} runs each, interleaved\n`);
  for (let i = 0; i < runs; i++) {
    raw.push(time(['bash', driver], env));
    serial.push(time([process.execPath, CLI, 'test', '--jobs', '1', '--format', 'json'], env));
    jobs2.push(time([process.execPath, CLI, 'test', '--jobs', '2', '--format', 'json'], env));
    process.stdout.write('.');
  }
  const row = (name: string, xs: number[]): string => tableRow(name, xs, 28);
  process.stdout.write(`\n\n${tableHeader(28)}`);
  process.stdout.write(row('raw bash scripts, serial', raw) + row('tsnet-learn test --jobs 1', serial) + row('tsnet-learn test --jobs 2', jobs2));
  process.stdout.write(`\nratio test --jobs 1 / raw:      ${(median(serial) / median(raw)).toFixed(2)}×   (target ≤ 1.2×)\n`);
  process.stdout.write(`ratio test --jobs 2 / --jobs 1: ${(median(jobs2) / median(serial)).toFixed(2)}×   (target ≤ 0.65×)\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
