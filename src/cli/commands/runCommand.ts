// `tsnet-learn run`: a lesson and the prerequisites the target lacks, step by step, live or as JSON.
import { UserError } from '../../core/errors.js';
import { type Exit, onInterrupt } from '../../exec/onInterrupt.js';

export interface RunOptions {
  target: string;
  format: 'pretty' | 'json';
  verbose?: boolean;
  fromScratch?: boolean;
  keep?: boolean;
  outside?: string;
}

/** The exit code: 0 all passed, 1 something failed (bad input throws UserError: exit 2; a signal exits 130/143). */
export async function runCommand(lessonArg: string, opts: RunOptions, exit: Exit): Promise<number> {
  let code = 0;
  const [
    { resolveLesson },
    { parseTargetSpec, localSpec, openTarget, formatSpec, resolveOutside },
    { assertTools },
    { openShell },
    { runLessons },
    lab,
  ] = await Promise.all([
    import('../../lesson/catalog.js'),
    import('../../target/target.js'),
    import('../../exec/preflight.js'),
    import('../../target/shell.js'),
    import('../../run/runLessons.js'),
    import('../../lab/lab.js'),
  ]);
  const { chain } = await resolveLesson(lessonArg);
  const asArg = (await import('../../lesson/catalog.js')).argFor(chain.at(-1)!);
  const spec = localSpec(parseTargetSpec(opts.target), 'run');
  // Refused before anything is claimed, created or destroyed (--from-scratch).
  if (opts.outside !== undefined && spec.kind === 'lab') resolveOutside(spec, opts.outside);
  assertTools();
  // Before anything is created or destroyed: a network (lab, host or process) that another command is changing is left alone.
  const command = `tsnet-learn run ${chain.at(-1)!.id}`;
  const claims = await import('../../lab/labLock.js');
  if (spec.kind === 'lab') claims.claimLab(spec.name, command);
  else if (spec.kind === 'host') claims.claimHost(`${command} --target host`);
  else claims.claimNetworkOf(spec.pid, `${command} --target pid:${spec.pid}`);
  if (opts.fromScratch) {
    if (spec.kind !== 'lab')
      throw new UserError('--from-scratch rebuilds a lab; it cannot undo changes to a host or another process.');
    await lab.destroyLab(spec.name);
  }
  // Interrupted: a lab this run creates is its own, so it goes (unless --keep): the learner is back where
  // they were. A lab that was there before holds the learner's work, so it stays, whatever this run did to it.
  const existed = spec.kind === 'lab' && lab.findLab(spec.name) !== null;
  onInterrupt(
    'run',
    () => {
      const { destroyed } = lab.interruptLabs();
      if (spec.kind !== 'lab') return `what was applied to ${formatSpec(spec)} so far stays`;
      const name = spec.name;
      if (destroyed.includes(name))
        return `the lab "${name}" that this run created was destroyed (with --keep it would stay)`;
      if (existed)
        return `the lab "${name}" existed before this run, so it stays, with what was done so far (\`tsnet-learn lab destroy ${name}\` removes it)`;
      if (lab.findLab(name))
        return `the lab "${name}" stays, with what was done so far: look around with \`tsnet-learn lab shell ${name}\`, remove it with \`tsnet-learn lab destroy ${name}\``;
      return `the lab "${name}" was still being created, and was removed`;
    },
    exit,
  );
  // Load the process library while the lab is being built (the CPU is idle then).
  const { loadExeca, run } = await import('../../exec/spawn.js');
  const loading = loadExeca();
  const target = await openTarget(spec, {
    create: true,
    allowHost: true,
    newLab: { ephemeral: !opts.keep, command: `run ${chain.at(-1)!.id}` },
    outside: opts.outside,
  });
  let released = false;
  let hostRun: import('../../host/hostRun.js').HostRun | null = null;
  try {
    if (spec.kind === 'host') {
      // The tutorial assumes its host owns 172.16.0.2; on a real machine that address may be on the network.
      const { unsafeTraffic } = await import('../../host/hostSafety.js');
      const shown = await run('ip', ['-j', 'addr', 'show']);
      if (shown.exitCode !== 0) throw new Error(`ip -j addr show failed: ${shown.error ?? shown.stderr.trim()}`);
      const addrs = JSON.parse(shown.stdout) as { addr_info?: { local?: string }[] }[];
      const unsafe = unsafeTraffic(chain, new Set(addrs.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? ''))));
      if (unsafe.length) {
        throw new UserError(
          `Not running on this machine: \`${unsafe[0]!.line}\` (${unsafe[0]!.lesson}) would send traffic to ${unsafe[0]!.address}, which is not an address of this machine.`,
          `Run it in a lab (the default), where ${unsafe[0]!.address} exists; or give this machine that address first.`,
        );
      }
    }
    // Host: a preflight before anything is touched, then a record of everything the run changes (reset undoes it).
    hostRun =
      spec.kind === 'host' ? (await import('../../host/hostRun.js')).startHostRun(chain, target.jobsDir!) : null;
    await loading;
    const shell = await openShell(target.argv, target.jobsDir);
    const pretty =
      opts.format === 'pretty'
        ? (await import('../../report/prettyReporter.js')).prettyReporter(process.stdout, { verbose: opts.verbose })
        : null;
    if (pretty)
      process.stdout.write(
        `tsnet-learn run ${chain.at(-1)!.id} in ${target.label}${target.fresh ? ' (new lab)' : ''}\n`,
      );
    try {
      const run = hostRun;
      const report = await runLessons({
        chain,
        target,
        shell,
        onEvent: run ? (e) => (run.onEvent(e), pretty?.onEvent(e)) : pretty?.onEvent,
        changes: true,
      });
      // The run got to its report, passed or failed: the lab it made is the learner's now.
      if (target.lab && target.fresh) await lab.releaseLab(target.lab.name);
      released = true;
      if (pretty) {
        pretty.finish(report);
        // A command that failed in a lab this run did not make may have met what an earlier, unfinished run left.
        const stuck = report.steps.find(
          (s) => s.status === 'failed' && s.commands.some((c) => c.exitCode !== 0 && !c.mayFail),
        );
        if (stuck && target.lab && !target.fresh) {
          process.stdout.write(
            `\nThis lab was not new: part of that step may have been done before (an interrupted run, or by hand). To start over in a new lab: tsnet-learn run ${asArg} --target lab:${target.lab.name} --from-scratch\n`,
          );
        }
        if (target.lab)
          process.stdout.write(
            `\nThe lab stays as it is: look around with \`tsnet-learn lab shell ${target.lab.name}\`, remove it with \`tsnet-learn lab destroy ${target.lab.name}\`.\n`,
          );
      } else {
        const [{ runDocument }, { jsonReport }] = await Promise.all([
          import('../../report/runFormats.js'),
          import('../../report/reportDocument.js'),
        ]);
        process.stdout.write(jsonReport(runDocument(report)));
      }
      code = report.passed ? 0 : 1;
    } finally {
      await shell.close();
    }
  } finally {
    const recorded = hostRun?.finish();
    if (recorded) (opts.format === 'pretty' ? process.stdout : process.stderr).write(`\n${recorded.join('\n')}\n`);
    // A lab this run made that never got to a report (an error on the way) goes too, unless --keep.
    if (target.lab && target.fresh && !released && !opts.keep) await lab.destroyLab(target.lab.name);
  }
  return code;
}
