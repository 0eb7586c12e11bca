// Ctrl-C, SIGTERM and SIGKILL during `run` and at several points of `test`: the lab goes (or stays when
// asked, or when it was there before), the exit code says which signal, and the host keeps nothing: no
// lab record, no process, no netns, link, rule or sysctl change.
// Every step of `run` with both signals: test/slow/signalsAtEveryStep.test.ts.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { shellQuote } from '../../src/core/shellQuote.js';
import {
  commandLine,
  eventually,
  hostNetwork,
  labRuns,
  NOBODY,
  processesOfLab,
  sandbox,
  stillRunning,
  type ProcessId,
  type Sandbox,
} from './harness.js';
import { assertNothingLeft, EXIT_CODE, runUntilStep, SERVER_STEP, STEPS } from './interrupts.js';

t.test('with --keep, an interrupted run keeps its lab as it was; lab destroy then removes every trace', async (t) => {
  for (const [k, signal] of [
    [1, 'SIGINT'],
    [SERVER_STEP + 1, 'SIGTERM'],
  ] as const) {
    await t.test(`${signal} during ${STEPS[k - 1]}`, async (t) => {
      const box = sandbox();
      t.teardown(() => box.cleanup());
      const before = hostNetwork();
      const { cli, lab } = await runUntilStep(box, 'kept', k, ['--keep']);
      cli.kill(signal);
      t.equal((await cli.exit).code, EXIT_CODE[signal], cli.stderr());
      t.match(cli.stderr(), /the lab "kept" stays, with what was done so far/);
      t.equal(box.records().kept?.ephemeral, false, 'the lab is recorded as kept');
      t.ok(labRuns(box.records().kept), 'the lab still runs');
      t.match((await box.run(['lab', 'list'])).stdout, /^kept +running .*made by `tsnet-learn run lesson-7`/m);
      t.same(hostNetwork(), before, 'the kept lab changes nothing on the host');
      t.match((await box.run(['lab', 'destroy', 'kept'])).stdout, /Destroyed lab "kept"/);
      await assertNothingLeft(t, box, before, lab);
    });
  }
});

t.test("a lab that existed before the run holds the learner's work: an interrupt keeps it and says so", async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  t.equal((await box.run(['lab', 'create', 'mine'])).code, 0);
  const { cli, lab, server } = await runUntilStep(box, 'mine', SERVER_STEP + 1);
  t.ok(server, 'the run had started the web server in the lab');
  cli.kill('SIGTERM');
  t.equal((await cli.exit).code, 143, cli.stderr());
  t.match(
    cli.stderr(),
    /the lab "mine" existed before this run, so it stays, with what was done so far \(`tsnet-learn lab destroy mine` removes it\)/,
  );
  t.ok(
    stillRunning(lab).some((c) => c.includes('-m http.server')),
    'the lab still runs, with the web server the lesson started',
  );
  t.match((await box.run(['lab', 'list'])).stdout, /^mine +running/m);
  t.equal((await box.run(['lab', 'destroy', 'mine'])).code, 0);
  await assertNothingLeft(t, box, before, lab);
});

t.test(
  'SIGKILL of run takes the lab it was building with it; lab list names the orphan and lab destroy removes it',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const before = hostNetwork();
    const { cli, lab, server } = await runUntilStep(box, 'killed', SERVER_STEP + 1);
    t.ok(server, 'the lab was running the web server');
    cli.kill('SIGKILL');
    t.equal((await cli.exit).signal, 'SIGKILL');
    await eventually(() => box.processes().length === 0 && stillRunning(lab).length === 0);
    t.same(box.processes().map(commandLine), [], 'no process of the lab outlives the CLI, not even the web server');
    t.same(stillRunning(lab), []);
    const list = await box.run(['lab', 'list']);
    t.match(
      list.stdout,
      new RegExp(
        `^killed +orphaned: \`tsnet-learn run lesson-7\` \\(pid ${cli.pid}\\) was killed, and the lab ended with it; \`tsnet-learn lab destroy killed\` removes the record`,
        'm',
      ),
    );
    t.match(list.stdout, /`tsnet-learn lab prune` removes every orphaned or gone lab/);
    t.match(
      (await box.run(['lab', 'destroy', 'killed'])).stdout,
      /Lab "killed" was no longer running; removed its record/,
    );
    t.match((await box.run(['lab', 'list'])).stdout, /No labs/);
    await assertNothingLeft(t, box, before, lab);
  },
);

t.test('as an ordinary user, in a rootless lab, SIGINT destroys the lab and SIGKILL takes it along', async (t) => {
  const box = sandbox(NOBODY);
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const interrupted = await runUntilStep(box, 'mine', 5, [], NOBODY);
  interrupted.cli.kill('SIGINT');
  t.equal((await interrupted.cli.exit).code, 130, interrupted.cli.stderr());
  t.match(interrupted.cli.stderr(), /the lab "mine" that this run created was destroyed/);
  await assertNothingLeft(t, box, before, interrupted.lab);
  const killed = await runUntilStep(box, 'killed', SERVER_STEP + 1, [], NOBODY);
  t.ok(killed.server, 'the lab was running the web server');
  killed.cli.kill('SIGKILL');
  await killed.cli.exit;
  await eventually(() => box.processes().length === 0 && stillRunning(killed.lab).length === 0);
  t.same(box.processes().map(commandLine), [], 'no process of the rootless lab outlives the CLI');
  t.match(
    (await box.run(['lab', 'list'], { asUser: NOBODY })).stdout,
    /^killed +orphaned: `tsnet-learn run lesson-7`/m,
  );
  t.match((await box.run(['lab', 'prune'], { asUser: NOBODY })).stdout, /Removed "killed"/);
  await assertNothingLeft(t, box, before, killed.lab);
});

t.test('output closed early (| head -1) is an interrupt: the lab goes, the exit code is not 0', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const { argv, env, cwd } = box.command(['run', '6', '--target', 'lab:piped']);
  // The CLI's own status, not head's: the last line bash prints.
  const script = `${argv.map(shellQuote).join(' ')} | head -1; echo "status \${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', script], { env, cwd, encoding: 'utf8', timeout: 120_000 });
  const [first, status] = r.stdout.trim().split('\n');
  t.match(first, /^tsnet-learn run lesson-6 in lab:piped \(new lab\)$/, 'head got its line');
  t.equal(status, 'status 141', `128 + SIGPIPE, as a shell reports a command ended by a closed pipe\n${r.stderr}`);
  t.match(r.stderr, /tsnet-learn: run output closed; the lab "piped" that this run created was destroyed/);
  t.notMatch((await box.run(['lab', 'list'])).stdout, /piped/, 'lab list shows no lab left behind');
  await assertNothingLeft(t, box, before, []);
});

t.test('SIGKILL of run --keep leaves the lab running for the learner', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const { cli, lab } = await runUntilStep(box, 'stays', 4, ['--keep']);
  cli.kill('SIGKILL');
  await cli.exit;
  t.ok(labRuns(box.records().stays), 'the lab still runs');
  t.match((await box.run(['lab', 'list'])).stdout, /^stays +running/m);
  t.equal((await box.run(['lab', 'destroy', 'stays'])).code, 0);
  await assertNothingLeft(t, box, before, lab);
});

/** The processes of every lab recorded now, added to `seen`. */
function collectLabs(box: Sandbox, seen: ProcessId[]): void {
  for (const r of Object.values(box.records()))
    for (const p of processesOfLab(r.initPid))
      if (!seen.some((s) => s.pid === p.pid && s.startTime === p.startTime)) seen.push(p);
}

/** Moments of `test` to interrupt, each something visible from outside: its output or its lab records. */
const TEST_POINTS = [
  {
    when: 'as it starts, while its labs are being built',
    args: ['test', '5', '6', '7', '--jobs', '2'],
    signal: 'SIGINT',
    seen: (_: Sandbox, out: string) => /^Testing /m.test(out),
  },
  {
    when: 'once its labs run lessons',
    args: ['test', '5', '6', '7', '--jobs', '2'],
    signal: 'SIGTERM',
    seen: (box: Sandbox) => Object.keys(box.records()).length >= 2,
  },
  {
    when: 'after a lesson has passed',
    args: ['test', '5', '6', '7', '--jobs', '2'],
    signal: 'SIGINT',
    seen: (_: Sandbox, out: string) => /^✔ lesson-/m.test(out),
  },
  {
    when: 'during ablation',
    args: ['test', '7', '--ablate', '--jobs', '2'],
    signal: 'SIGTERM',
    seen: (box: Sandbox) => Object.keys(box.records()).some((n) => n.startsWith('ablate-')),
  },
] as const;

t.test('SIGINT or SIGTERM at several points of test destroys every lab of the run', async (t) => {
  for (const point of TEST_POINTS) {
    await t.test(`${point.signal} ${point.when}`, async (t) => {
      const box = sandbox();
      t.teardown(() => box.cleanup());
      const before = hostNetwork();
      const cli = box.start([...point.args]);
      const labs: ProcessId[] = [];
      // Polled: lab records appear on disk, not in the output.
      await new Promise<void>((resolve, reject) => {
        const tick = setInterval(() => {
          collectLabs(box, labs);
          if (point.seen(box, cli.stdout())) clearInterval(tick), resolve();
        }, 10);
        void cli.exit.then(
          () => (clearInterval(tick), reject(new Error(`test ended first:\n${cli.stdout()}\n${cli.stderr()}`))),
        );
      });
      cli.kill(point.signal);
      t.equal((await cli.exit).code, EXIT_CODE[point.signal], cli.stderr());
      t.match(cli.stderr(), /every lab of this run was destroyed/);
      await assertNothingLeft(t, box, before, labs);
    });
  }
});

t.test('test --keep keeps the labs of the interrupted lessons, names them, and lab destroy removes them', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  const cli = box.start(['test', '5', '6', '7', '--jobs', '2', '--keep']);
  await eventually(() => Object.keys(box.records()).length >= 2, 60_000);
  cli.kill('SIGINT');
  t.equal((await cli.exit).code, 130, cli.stderr());
  const kept = [...cli.stderr().matchAll(/^ {2}(test-\d+-\d) +test (lesson-\d)$/gm)].map((m) => m[1]!);
  t.ok(kept.length >= 1, `the kept labs are named: ${cli.stderr()}`);
  t.same(Object.keys(box.records()).sort(), [...kept].sort(), 'exactly the named labs are kept');
  const labs: ProcessId[] = [];
  collectLabs(box, labs);
  for (const n of kept) t.ok(labRuns(box.records()[n]), `${n} still runs`);
  for (const n of kept) t.equal((await box.run(['lab', 'destroy', n])).code, 0);
  await assertNothingLeft(t, box, before, labs);
});

t.test(
  'SIGKILL of test takes its labs with it; lab list shows what is left, and the next test sweeps it',
  async (t) => {
    const box = sandbox();
    t.teardown(() => box.cleanup());
    const before = hostNetwork();
    const cli = box.start(['test', '5', '6', '7', '--jobs', '2']);
    await eventually(() => Object.keys(box.records()).length >= 2, 60_000);
    const labs: ProcessId[] = [];
    collectLabs(box, labs);
    cli.kill('SIGKILL');
    await cli.exit;
    await eventually(() => box.processes().length === 0 && stillRunning(labs).length === 0);
    t.same(box.processes().map(commandLine), [], 'no lab outlives the killed test');
    t.same(stillRunning(labs), []);
    const list = await box.run(['lab', 'list']);
    t.match(
      list.stdout,
      new RegExp(
        `^test-${cli.pid}-\\d +orphaned: \`tsnet-learn test lesson-\\d\` \\(pid ${cli.pid}\\) was killed, and the lab ended with it`,
        'm',
      ),
    );
    const next = await box.run(['test', '1', '--format', 'json']);
    t.equal(next.code, 0, next.stderr);
    t.match(next.stderr, new RegExp(`removed \\d lab records? left by a killed earlier run \\(pid ${cli.pid}\\)`));
    t.match((await box.run(['lab', 'list'])).stdout, /No labs/, "the killed run's records do not pile up");
    await assertNothingLeft(t, box, before, labs);
  },
);

t.test('lab prune removes orphans and stale records, never a lab that runs', async (t) => {
  const box = sandbox();
  t.teardown(() => box.cleanup());
  const before = hostNetwork();
  t.equal((await box.run(['lab', 'create', 'keepme'])).code, 0);
  const { cli, lab: orphan } = await runUntilStep(box, 'orphan', 2);
  cli.kill('SIGKILL');
  await cli.exit;
  const keepme = processesOfLab(box.records().keepme!.initPid);
  const pruned = await box.run(['lab', 'prune']);
  t.match(pruned.stdout, /Removed "orphan"\./);
  t.same(Object.keys(box.records()), ['keepme']);
  t.ok(labRuns(box.records().keepme), 'the running lab was left alone');
  t.match((await box.run(['lab', 'prune'])).stdout, /Nothing to prune/);
  t.equal((await box.run(['lab', 'destroy', 'keepme'])).code, 0);
  await assertNothingLeft(t, box, before, [...orphan, ...keepme]);
});
