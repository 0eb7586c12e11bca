// `tsnet-learn learn`: an interactive shell in a lab, at the first unfinished step of a lesson, judged
// after every command. This process stays the parent: it holds shells of its own in the lab for the
// snapshots and answers the learner's prompts over two FIFOs in a private directory under /tmp (the lab
// shares /tmp with the host; its /run is its own).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from '../../report/colors.js';
import { UserError } from '../../core/errors.js';
import type { Lesson } from '../../lesson/lesson.js';
import { type Exit, onInterrupt } from '../../exec/onInterrupt.js';
import { removedAtExit } from '../../exec/removedAtExit.js';
import { runAttached } from '../../exec/spawn.js';
import type { RunEvent } from '../../run/runReport.js';
import type { Shell } from '../../target/shell.js';

export interface LearnOptions {
  /** `lab:NAME` (or `lab`, the lab "default"). */
  target: string;
  /** Deprecated, hidden: `--lab NAME` names the lab as `--target lab:NAME` does. */
  lab?: string;
  fromScratch?: boolean;
}

/** The target learn practises in: --target, or the deprecated --lab when --target is left as it is. Pure. */
export function learnTarget(opts: Pick<LearnOptions, 'target' | 'lab'>): string {
  if (opts.lab === undefined) return opts.target;
  if (opts.target !== 'lab:default' && opts.target !== `lab:${opts.lab}`)
    throw new UserError(
      `--lab ${opts.lab} and --target ${opts.target} name two different labs.`,
      'Name the lab once, with --target lab:NAME (--lab is the old spelling).',
    );
  return `lab:${opts.lab}`;
}

/** How a later command names this lab: nothing for the lab "default". */
const labOption = (name: string): string => (name === 'default' ? '' : ` --target lab:${name}`);

function privateDir(): string {
  // Under /run the lab would not see it: it mounts its own /run.
  const base = tmpdir().startsWith('/run') ? '/tmp' : tmpdir();
  return mkdtempSync(join(base, 'tsnet-learn-'));
}

function describeResume(at: { step: number; stray: { step: number; check: { title: string } } | null }): string {
  if (at.stray) {
    return `This lab already has what step ${at.stray.step} builds (${at.stray.check.title}) but not what comes before it: another lesson's leftovers, probably. Starting at step 1 (--from-scratch starts in a new lab).`;
  }
  return at.step > 1 ? `Steps 1 to ${at.step - 1} are already done in this lab: starting at step ${at.step}.` : '';
}

/** The exit code: 0 when the learner left the shell, 1 when a prerequisite could not be applied. */
export async function learnCommand(lessonArg: string, opts: LearnOptions, exit: Exit): Promise<number> {
  const [{ argFor, resolveLesson }, { parseTargetSpec, openTarget }, { assertTools }, lab] = await Promise.all([
    import('../../lesson/catalog.js'),
    import('../../target/target.js'),
    import('../../exec/preflight.js'),
    import('../../lab/lab.js'),
  ]);
  const { lesson, chain, catalog } = await resolveLesson(lessonArg);
  const asArg = argFor(lesson);
  const spec = parseTargetSpec(learnTarget(opts));
  if (spec.kind !== 'lab')
    throw new UserError(
      `learn practises in a lab, not in ${opts.target}.`,
      'Use --target lab:NAME (created when missing), or leave --target out for the lab "default".',
    );
  assertTools();
  // Before anything is created or destroyed: a lab that another run or learn is changing is left alone.
  (await import('../../lab/labLock.js')).claimLab(spec.name, `tsnet-learn learn ${lesson.id}`);
  if (opts.fromScratch) await lab.destroyLab(spec.name);

  // While setting up, an interrupt ends learn. A lab it is creating goes with it (it is ephemeral until
  // the prerequisites are in); a lab that was there before holds the learner's work and stays.
  const stopInterrupts = onInterrupt(
    'learn',
    () =>
      lab.interruptLabs().destroyed.includes(spec.name)
        ? `the lab "${spec.name}" it was creating was removed`
        : `the lab "${spec.name}" stays`,
    exit,
  );

  const target = await openTarget(spec, {
    create: true,
    allowHost: false,
    newLab: { ephemeral: true, command: `learn ${lesson.id}` },
  });
  let released = false;
  let shells: Shell[] = [];
  let dir: string | null = null;
  let removeDir: (() => void) | null = null;
  let channel: { close(): void } | null = null;
  try {
    const [
      { openShell },
      { runLessons },
      { judgeLasting, resumePoint },
      { takeFullSnapshot },
      { learnSession },
      shellFiles,
      { openPromptChannel },
      { HELPERS },
    ] = await Promise.all([
      import('../../target/shell.js'),
      import('../../run/runLessons.js'),
      import('../../run/resumePoint.js'),
      import('../../snapshot/fullSnapshot.js'),
      import('../../learn/learnSession.js'),
      import('../../learn/learnShell.js'),
      import('../../learn/promptChannel.js'),
      import('../../learn/learnView.js'),
    ]);
    // Three shells: after each command two read the snapshot side by side while the third probes (see reevaluate).
    shells = await Promise.all([1, 2, 3].map(() => openShell(target.argv, target.jobsDir)));
    const shell = shells[0]!;
    const say = (s: string): boolean => process.stdout.write(`${s}\n`);
    say(`${pc.bold(`tsnet-learn learn ${lesson.id}`)} in lab "${spec.name}"${target.fresh ? ' (new lab)' : ''}`);

    const before = chain.slice(0, -1);
    if (before.length) {
      const onEvent = (e: RunEvent): void => {
        if (e.type === 'lesson-end' && e.lesson.status !== 'failed')
          say(
            `  ${pc.green('✓')} ${e.lesson.id} ${e.lesson.status === 'satisfied' ? 'already in place' : 'applied'} ${pc.dim(`(prerequisite: ${e.lesson.title})`)}`,
          );
      };
      say(pc.dim(`Preparing the prerequisites: ${before.map((l) => l.id).join(', ')}`));
      const report = await runLessons({ chain: before, later: [lesson], target, shell, onEvent });
      // Applied, or stopped at a step that failed: either way the lab is the learner's now.
      if (!report.passed) {
        const s = report.steps.find((x) => x.status === 'failed');
        say(
          `${pc.red('✗')} could not apply ${s?.lesson ?? 'a prerequisite'}${s ? ` at step ${s.index} "${s.title}": ${s.failure}` : ''}`,
        );
        say(
          `  tsnet-learn run ${argFor(chain.find((l) => l.id === s?.lesson) ?? lesson)} --target lab:${spec.name} shows the details; --from-scratch starts in a new lab.`,
        );
        if (target.fresh) await lab.releaseLab(spec.name);
        released = true;
        return 1;
      }
    }

    const at = resumePoint(lesson, await judgeLasting([lesson], shell, target));
    if (target.fresh) await lab.releaseLab(spec.name);
    released = true;
    if (at.done) {
      say(`${pc.green('✓')} ${lesson.id} is already complete in lab "${spec.name}": every check holds.`);
      say(`  To do it again: tsnet-learn learn ${asArg}${labOption(spec.name)} --from-scratch`);
      return 0;
    }
    const list = catalog.lessons;
    const after = list[list.findIndex((l: Lesson) => l.id === lesson.id) + 1];
    const nextLesson = after ? argFor(after) : null;
    const session = learnSession({
      lesson,
      startAt: at.step,
      shells,
      target,
      lab: spec.name,
      nextLesson,
      initial: await takeFullSnapshot(shell, false),
      before,
    });

    say('');
    say(pc.bold(`${lesson.id}: ${lesson.title}`));
    if (lesson.summary)
      say(
        lesson.summary
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    const resume = describeResume(at);
    if (resume) say(`\n${pc.yellow(resume)}`);
    say(`\nYou get a root shell inside the lab: its network is private, yours is never touched. Type each step's`);
    say(`commands; after every command its checks are judged again. Helpers:`);
    say(HELPERS.map(([name, what]) => `  ${name.padEnd(6)} ${what}`).join('\n'));
    say(`  exit   leave (the lab stays; tsnet-learn lab destroy ${spec.name} removes it)`);

    dir = privateDir();
    // A closed output once the shell has started exits at once (141), past the `finally` below.
    removeDir = removedAtExit(dir);
    const rcfile = join(dir, 'rc');
    writeFileSync(rcfile, shellFiles.learnRcfile(dir), { mode: 0o600 });
    writeFileSync(join(dir, 'prompt.sh'), shellFiles.promptScript(spec.name, pc.isColorSupported), { mode: 0o600 });
    channel = openPromptChannel(dir, async (line) => {
      const req = shellFiles.parseRequest(line);
      if (!req) return shellFiles.formatReply('', '');
      try {
        const r = await session.handle(req);
        return shellFiles.formatReply(r.label, r.text);
      } catch (e) {
        return shellFiles.formatReply('', `tsnet-learn: could not judge the step: ${(e as Error).message}`);
      }
    });

    // From here on Ctrl-C and Ctrl-\ are the learner's, for the commands they run; not ours. A SIGTERM
    // or SIGHUP ends the learner's shell as a closed terminal would.
    stopInterrupts();
    const ended = await runAttached(target.argv[0]!, [...target.argv.slice(1), 'bash', '--rcfile', rcfile, '-i'], {
      forward: { SIGTERM: 'SIGHUP', SIGHUP: 'SIGHUP' },
    });
    if (ended.error) say(`tsnet-learn: cannot start the shell: ${ended.error}`);
    const where = session.current();
    say(
      `\nLeft lab "${spec.name}"${where ? ` at ${lesson.id} step ${where.index} of ${lesson.steps.length}` : ` with ${lesson.id} complete`}. The lab keeps what you built.` +
        `\n  Come back: tsnet-learn learn ${asArg}${labOption(spec.name)}    Remove it: tsnet-learn lab destroy ${spec.name}`,
    );
    return 0;
  } finally {
    channel?.close();
    removeDir?.();
    stopInterrupts();
    await Promise.all(shells.map((s) => s.close()));
    // A lab made here that never got its prerequisites (an error on the way) goes.
    if (target.fresh && !released) await lab.destroyLab(spec.name);
  }
}
