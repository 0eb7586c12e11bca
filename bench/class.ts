// Benchmark: grading a class over ssh. Student labs are built once (lesson 7 through `run`), each reached
// by the real ssh and an `sshd -i` started in the lab through a ProxyCommand, as in the integration tests.
// It times `grade --jobs 8` against one student after another (`--jobs 1`), interleaved; then one student's
// `check` over ssh against a raw `ssh HOST bash -s` that does the same reads and probes, judging nothing.
// Root only (sshd logs in as root inside the labs).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inCidr, parseCidr } from '../src/core/ipv4.js';
import { checkNeeds } from '../src/judge/evaluateChecks.js';
import { gradedChecks, gradeScope } from '../src/judge/grade.js';
import { resolveLesson } from '../src/lesson/catalog.js';
import type { CheckDecl } from '../src/lesson/lesson.js';
import { median } from './measure.js';
import { runInParallel } from './parallelRuns.js';
import { rawChecks } from './rawScript.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** What a user runs: node, from the build's startup snapshot when there is one (the figures timed here). */
const BIN = fileURLToPath(new URL('../../bin/tsnet-learn', import.meta.url));
const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const runs = arg('runs', 3);
const students = arg('students', 20);
const jobs = arg('jobs', 8);
if (process.getuid?.() !== 0) {
  process.stdout.write('bench/class: skipped, it needs root (sshd logs in as root inside the labs)\n');
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'tsnet-bench-class-'));
const env = { ...process.env, TSNET_STATE_DIR: join(work, 'state'), NO_COLOR: '1' };
const names = Array.from({ length: students }, (_, i) => `class${i}`);
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
const ms = (xs: number[]): string =>
  `${median(xs).toFixed(0)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

/** The probes that `check` sends from a student's machine: not from the outside world, only to its addresses. */
function probedOverSsh(decls: readonly CheckDecl[]): CheckDecl[] {
  const subnet = parseCidr('172.18.0.0/16')!;
  return decls.filter((d) => {
    const from = checkNeeds([d])[0]?.ns;
    const to = String(d.args.address ?? d.args.host ?? '');
    return from !== 'outside' && (inCidr(to, subnet) || to === '172.16.0.2' || to.startsWith('127.'));
  });
}

function timed(argv: string[], input?: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', ...(input ? { input } : {}) });
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  // `grade` and `check` exit 0 here: every lab is complete.
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
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'grader')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'hostkey')]);
  writeFileSync(join(work, 'authorized_keys'), readFileSync(join(work, 'grader.pub')));
  writeFileSync(
    join(work, 'sshd_config'),
    `HostKey ${work}/hostkey\nAuthorizedKeysFile ${work}/authorized_keys\nUsePAM no\nPidFile none\nStrictModes no\nPermitRootLogin prohibit-password\nLogLevel ERROR\n`,
  );
  const pidOf = (name: string): number =>
    (JSON.parse(readFileSync(join(env.TSNET_STATE_DIR, 'labs', `${name}.json`), 'utf8')) as { initPid: number })
      .initPid;
  const hosts = names.flatMap((n) => [
    `Host ${n}`,
    `  HostKeyAlias ${n}`,
    `  ProxyCommand nsenter -t ${pidOf(n)} -n -m -p sh -c 'mkdir -p /run/sshd; exec /usr/sbin/sshd -i -f ${work}/sshd_config'`,
  ]);
  const key = readFileSync(join(work, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(work, 'known_hosts'), `${names.join(',')} ${key}\n`);
  const sshConfig = join(work, 'ssh_config');
  writeFileSync(
    sshConfig,
    [
      ...hosts,
      'Host *',
      '  HostName 172.16.0.2',
      '  User root',
      `  IdentityFile ${work}/grader`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${work}/known_hosts`,
      '  GlobalKnownHostsFile /dev/null',
      '',
    ].join('\n'),
  );
  const roster = join(work, 'class.csv');
  writeFileSync(roster, `student,target\n${names.map((n) => `${n},ssh:${n}`).join('\n')}\n`);
  const grade = (j: number): number =>
    timed([BIN, 'grade', 'lesson-7', '--roster', roster, '--ssh-config', sshConfig, '--jobs', String(j)]);

  const { chain } = await resolveLesson('lesson-7');
  const decls = gradedChecks(chain, false).flatMap((g) => g.decls.map((d) => d.decl));
  const reads = [...checkNeeds(decls), ...gradeScope(chain, {}).extraNeeds].filter((n) => n.ns !== 'outside');
  const raw = await rawChecks(probedOverSsh(decls), reads);
  const rawSsh = [
    'ssh',
    '-T',
    '-o',
    'BatchMode=yes',
    '-F',
    sshConfig,
    names[0]!,
    'exec env LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -s',
  ];
  const check = [BIN, 'check', 'lesson-7', '--target', `ssh:${names[0]}`, '--ssh-config', sshConfig];

  const parallel: number[] = [];
  const serial: number[] = [];
  const checks: number[] = [];
  const raws: number[] = [];
  // Interleaved, so both sides meet the same machine.
  for (let i = 0; i < runs; i++) {
    parallel.push(grade(jobs));
    serial.push(grade(1));
    process.stdout.write('.');
  }
  for (let i = 0; i < runs * 3; i++) {
    checks.push(timed([...check, '--format', 'json']));
    raws.push(timed(rawSsh, raw));
  }
  process.stdout.write(`\n\ngrade lesson-7, ${students} students over ssh, ${runs} runs each\n`);
  process.stdout.write(`--jobs ${jobs}                 ${ms(parallel)}\n`);
  process.stdout.write(`--jobs 1 (one by one) ${ms(serial)}\n`);
  process.stdout.write(
    `ratio --jobs ${jobs} / one by one (medians): ${(median(parallel) / median(serial)).toFixed(2)}×\n`,
  );
  process.stdout.write(`per student, --jobs ${jobs}: ${(median(parallel) / students).toFixed(0)} ms\n\n`);
  process.stdout.write(`one student over ssh, ${runs * 3} runs each\n`);
  process.stdout.write(`check --target ssh:…               ${ms(checks)}\n`);
  process.stdout.write(`raw ssh HOST bash -s, same work    ${ms(raws)}\n`);
  process.stdout.write(`ratio check / raw (medians): ${(median(checks) / median(raws)).toFixed(2)}×\n`);
  process.stdout.write(`load average now: ${loadavg()[0]!.toFixed(1)}\n`);
} finally {
  for (const n of names) cli('lab', 'destroy', n);
  rmSync(work, { recursive: true, force: true });
}
