#!/usr/bin/env node
// The entry point and the only place that calls process.exit. Heavy modules are imported lazily.
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/errors.js';

/** --outside, for run and check on a host or pid target. */
const OUTSIDE_HELP =
  'host and pid: targets: the namespace that plays the outside world, a netns name inside the target or pid:PID';

const EXAMPLES = {
  main: `
Examples:
  tsnet-learn                       the lessons, and how far you got in the lab "default"
  tsnet-learn learn lesson-1        type lesson 1 yourself in a lab, checked after every command
  tsnet-learn run lesson-7          watch lessons 5 to 7 run and check themselves
  tsnet-learn <command> --help      each command's options and examples`,
  run: `
Examples:
  tsnet-learn run lesson-7              run lesson 7 (and lessons 5, 6 first) in the lab "default"
  tsnet-learn run 3 --target lab:mine   lesson 3 in the lab "mine" (created when missing)
  tsnet-learn run ./my-lesson.md        a lesson file of your own
  tsnet-learn run 6 --format json       machine-readable report
  sudo tsnet-learn run 5 --target host  apply it to this machine's real network (root only)

Ctrl-C (or SIGTERM, or the run being killed): a lab that this run created is destroyed, unless --keep;
a lab that existed before holds your work and stays as it is.
Exit codes: 0 all passed, 1 a step or check failed, 2 usage, lesson or environment error,
130 interrupted (SIGINT), 143 terminated (SIGTERM).`,
  check: `
Examples:
  tsnet-learn check lesson-7                          grade the lab "default" against lessons 5 to 7
  tsnet-learn check 7 --target pid:4242 --format json a sandbox or container, by a process inside it
  sudo tsnet-learn check 7 --target host --var host_ip=192.0.2.7
  tsnet-learn check 6 --only --format junit > grade.xml
  tsnet-learn check 6 --target pid:4242 --outside world   the netns "world" in it plays the outside

Every check carries points (default 1). Outside a lab, probes go only to loopback, to addresses the
target's namespaces hold and into the subnets the lessons build; the others, and probes from an outside
world the target lacks (name one with --outside), are not judged: never earned, and the grade fails.
Exit codes: 0 every check judged and passed, 1 a check failed or could not be judged, 2 usage or
environment error.`,
  test: `
Examples:
  tsnet-learn test                      every lesson, in parallel, each in a fresh lab
  tsnet-learn test 3 7 --jobs 1         two lessons, one after the other
  tsnet-learn test --ablate             also prove that every check can fail
  tsnet-learn lint                      check the lesson files themselves

Every lab of the run is destroyed when it ends, on Ctrl-C or SIGTERM, and also when the run is killed;
with --keep, the labs of lessons still running at an interrupt stay, and their names are printed.
Exit codes: 0 all passed, 1 a lesson failed or a check cannot fail, 2 usage or environment error,
130 interrupted (SIGINT), 143 terminated (SIGTERM).`,
  graph: `
Examples:
  tsnet-learn graph                          a summary of the lab "default" on a terminal
  tsnet-learn graph -o network.svg           the picture, laid out by Graphviz
  tsnet-learn graph -t lab:mine -o net.dot   Graphviz source, to style or render yourself
  tsnet-learn graph > network.svg            piped or redirected, the default is SVG
  sudo tsnet-learn graph -t pid:4242 -f dot  a sandbox or container, by a process inside it

It only reads: nothing in the target changes. Exit codes: 0 done, 2 usage or environment error.`,
  reset: `
Examples:
  sudo tsnet-learn reset --target host   undo what \`run --target host\` changed on this machine
  sudo tsnet-learn reset --target host   again: "Nothing to reset"

It removes exactly what host runs recorded (namespaces, links, iptables rules, the servers they started)
and restores the settings they changed (net.ipv4.ip_forward); what was there before stays.
Exit codes: 0 undone or nothing to undo, 2 usage error or something could not be undone.`,
  learn: `
Examples:
  tsnet-learn learn lesson-3            lessons 1 and 2 are applied, then you type lesson 3 yourself
  tsnet-learn learn 5 --lab mine        in the lab "mine"; picks up at the first step not done yet
  tsnet-learn learn 3 --from-scratch    start over in a new lab

Inside: type the step's commands. After each one its checks are judged and what it changed is shown.
Helpers: step (show it again), hint, next, skip, where; exit leaves (the lab stays).`,
  list: `
Examples:
  tsnet-learn list                  id, title, steps, checks and prerequisites of every lesson
  tsnet-learn list --format json    the same, for scripts
  tsnet-learn                       the lessons, and how far you got in the lab "default"`,
  show: `
Examples:
  tsnet-learn show lesson-3         each step's commands, where they run (host or a netns), its checks
  tsnet-learn show 7                a lesson by number
  tsnet-learn show ./my-lesson.md   a lesson file of your own, as the runner reads it`,
  lint: `
Examples:
  tsnet-learn lint                  the bundled lessons
  tsnet-learn lint my-lesson.md     your own lesson file: every problem at once, as file:line:col

Exit codes: 0 well formed (warnings allowed), 2 errors.`,
  labCreate: `
Examples:
  tsnet-learn lab create            the lab "default"
  tsnet-learn lab create mine       another one, next to it`,
  labShell: `
Examples:
  tsnet-learn lab shell             a root shell in the lab "default" (created when missing)
  tsnet-learn lab shell mine        in the lab "mine"
  tsnet-learn learn 3               a shell that also shows lesson 3's steps and checks them`,
  labDestroy: `
Examples:
  tsnet-learn lab destroy           remove the lab "default": its namespaces, links, rules, processes
  tsnet-learn lab destroy mine`,
  labList: `
Examples:
  tsnet-learn lab list              every lab, its pid, and whether it still runs`,
  lab: `
Examples:
  tsnet-learn lab create            create the lab "default"
  tsnet-learn lab shell             a root shell inside it: type the tutorial's commands
  tsnet-learn lab list              labs, their pids and whether they still run
  tsnet-learn lab destroy           remove it and everything in it
  tsnet-learn lab prune             remove labs left behind by a run or test that was killed`,
};

// Output piped into `head` and closed early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

async function main(argv: string[]): Promise<number> {
  const program = new Command('tsnet-learn')
    .description('Learn Linux container networking by hand: lessons that run and verify themselves in isolated labs.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText('after', EXAMPLES.main);
  let code = 0;

  program
    .command('run')
    .description('run a lesson (and the prerequisites the target lacks), checking every step')
    .argument('<lesson>', 'lesson id (lesson-6), number (6) or path to a lesson file')
    .option('-t, --target <target>', 'lab (= lab:default), lab:NAME, or host', 'lab:default')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .option('-v, --verbose', 'show what every passing check saw')
    .option('--from-scratch', 'destroy the lab first and start from a new one (labs only)')
    .option('--keep', 'keep the lab this run creates even when the run is interrupted or killed')
    .option('--outside <netns>', OUTSIDE_HELP)
    .addHelpText('after', EXAMPLES.run)
    .action(
      async (
        lessonArg: string,
        opts: {
          target: string;
          format: 'pretty' | 'json';
          verbose?: boolean;
          fromScratch?: boolean;
          keep?: boolean;
          outside?: string;
        },
      ) => {
        code = await (await import('./commands/runCommand.js')).runCommand(lessonArg, opts);
      },
    );

  program
    .command('check')
    .description('grade a network someone built by hand: inspect and probe only, never change it')
    .argument('<lesson>', 'lesson id, number or path: its checks and those of its prerequisites are judged')
    .option(
      '-t, --target <target>',
      "lab (= lab:default), lab:NAME, host, or pid:PID (enters that process's net and mount namespaces)",
      'lab:default',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['pretty', 'json', 'tap', 'junit'])
        .default('pretty'),
    )
    .option('--only', "judge only the lesson's own checks, not its prerequisites'")
    .option(
      '--var <name=value>',
      "substitute a value, e.g. host_ip=192.0.2.7 for the tutorial's 172.16.0.2",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--outside <netns>', OUTSIDE_HELP)
    .addHelpText('after', EXAMPLES.check)
    .action(
      async (
        lessonArg: string,
        opts: {
          target: string;
          format: 'pretty' | 'json' | 'tap' | 'junit';
          only?: boolean;
          var: string[];
          outside?: string;
        },
      ) => {
        code = await (await import('./commands/checkCommand.js')).checkCommand(lessonArg, opts);
      },
    );

  program
    .command('graph')
    .description('draw the live network: namespaces, interfaces, veth pairs, bridge, routes, NAT, published ports')
    .option('-t, --target <target>', 'lab (= lab:default), lab:NAME, host, or pid:PID', 'lab:default')
    .option('-o, --output <file>', 'write FILE.svg (picture) or FILE.dot (Graphviz source)')
    .addOption(
      new Option('-f, --format <format>', 'default: from -o; else text on a terminal, svg when piped').choices([
        'svg',
        'dot',
        'text',
      ]),
    )
    .addHelpText('after', EXAMPLES.graph)
    .action(async (opts: { target: string; output?: string; format?: 'svg' | 'dot' | 'text' }) => {
      code = await (await import('./commands/graphCommand.js')).graphCommand(opts);
    });

  program
    .command('lint')
    .description('check that lesson files are well formed: all problems at once, with file:line:col')
    .addHelpText('after', EXAMPLES.lint)
    .argument('[files...]', 'lesson files (default: the bundled lessons)')
    .action(async (files: string[]) => {
      code = await (await import('./commands/lintCommand.js')).lintCommand(files);
    });

  program
    .command('test')
    .description(
      'regression-test lessons: each from scratch in its own fresh lab, in parallel; --ablate proves every check can fail',
    )
    .argument('[lessons...]', 'lesson ids, numbers or paths (default: every lesson)')
    .option('-j, --jobs <n>', 'lessons at a time (default: the number of cores)')
    .option('--ablate', 'for each state-changing step, a fresh lab without it: its checks must fail')
    .option('--keep', 'on an interrupt, keep the labs of the lessons still running and print their names')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['pretty', 'json', 'tap', 'junit'])
        .default('pretty'),
    )
    .addHelpText('after', EXAMPLES.test)
    .action(
      async (
        args: string[],
        opts: { jobs?: string; ablate?: boolean; keep?: boolean; format: 'pretty' | 'json' | 'tap' | 'junit' },
      ) => {
        code = await (await import('./commands/testCommand.js')).testCommand(args, opts);
      },
    );

  program
    .command('reset')
    .description('undo what `run --target host` changed on this machine, and nothing else')
    .option('-t, --target <target>', 'host (a lab is removed with: lab destroy)')
    .addHelpText('after', EXAMPLES.reset)
    .action(async (opts: { target?: string }) => {
      code = await (await import('./commands/resetCommand.js')).resetCommand(opts);
    });

  program
    .command('list')
    .description('list the lessons: id, title, steps, checks, prerequisites')
    .addHelpText('after', EXAMPLES.list)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .action(async (opts: { format: string }) => {
      const { loadCatalog } = await import('../lesson/catalog.js');
      const { formatList, checkCount } = await import('../report/describeLesson.js');
      const c = await loadCatalog();
      if (opts.format === 'json') {
        process.stdout.write(
          `${JSON.stringify(
            c.lessons.map((l) => ({
              id: l.id,
              title: l.title,
              steps: l.steps.length,
              checks: checkCount(l),
              prerequisites: l.prerequisites,
            })),
            null,
            2,
          )}\n`,
        );
      } else process.stdout.write(`${formatList(c.lessons)}\n`);
      for (const [file] of c.broken)
        process.stderr.write(`warning: ${file} is not a valid lesson (tsnet-learn show ${file} tells why)\n`);
    });

  program
    .command('show')
    .description('show a lesson as the runner sees it: steps, each command with its context, the checks')
    .addHelpText('after', EXAMPLES.show)
    .argument('<lesson>', 'lesson id, number or path')
    .action(async (lessonArg: string) => {
      const { resolveLesson } = await import('../lesson/catalog.js');
      const { formatShow } = await import('../report/describeLesson.js');
      const { lesson, chain } = await resolveLesson(lessonArg);
      process.stdout.write(`${formatShow(lesson, chain)}\n`);
    });

  program
    .command('learn')
    .description(
      'practise a lesson by hand: a shell in a lab at the first unfinished step, checked after every command',
    )
    .argument('<lesson>', 'lesson id (lesson-3), number (3) or path to a lesson file')
    .option('--lab <name>', 'the lab to practise in (created when missing)', 'default')
    .option('--from-scratch', 'destroy the lab first and start from a new one')
    .addHelpText('after', EXAMPLES.learn)
    .action(async (lessonArg: string, opts: { lab: string; fromScratch?: boolean }) => {
      code = await (await import('./commands/learnCommand.js')).learnCommand(lessonArg, opts);
    });

  const lab = program
    .command('lab')
    .description('create, enter, list and destroy labs (isolated networks to practise in)')
    .addHelpText('after', EXAMPLES.lab);
  lab
    .command('create')
    .description("create a lab with the tutorial's world (host 172.16.0.2, an outside network)")
    .addHelpText('after', EXAMPLES.labCreate)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      const { createLab } = await import('../lab/lab.js');
      const { assertTools } = await import('../exec/preflight.js');
      assertTools();
      const r = await createLab(name);
      process.stdout.write(
        `Created lab "${r.name}" (pid ${r.initPid}${r.rootless ? ', rootless' : ''}). Enter it with: tsnet-learn lab shell ${r.name}\n`,
      );
    });
  lab
    .command('shell')
    .description('open a shell inside a lab (created when missing)')
    .addHelpText('after', EXAMPLES.labShell)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      const { openTarget, parseTargetSpec } = await import('../target/target.js');
      const { spawnSync } = await import('node:child_process');
      const target = await openTarget(parseTargetSpec(`lab:${name}`), {
        create: true,
        allowHost: false,
        newLab: { command: 'lab shell' },
      });
      if (target.fresh) process.stderr.write(`Created lab "${name}".\n`);
      process.stderr.write(
        `Inside lab "${name}": this network is private to the lab. Type exit to leave; the lab stays until \`tsnet-learn lab destroy ${name}\`.\n`,
      );
      const { pathWithSbin } = await import('../exec/preflight.js');
      // Root inside the lab: iptables and friends in sbin must be found, as in root's own shell.
      const r = spawnSync(target.argv[0]!, [...target.argv.slice(1), 'bash', '--norc'], {
        stdio: 'inherit',
        env: { ...process.env, PATH: pathWithSbin(), PS1: `[lab:${name}] \\w # ` },
      });
      code = r.status ?? 0;
    });
  lab
    .command('destroy')
    .description('destroy a lab: every namespace, link, rule and process in it')
    .addHelpText('after', EXAMPLES.labDestroy)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      const { destroyLab } = await import('../lab/lab.js');
      const result = await destroyLab(name);
      const say = {
        destroyed: `Destroyed lab "${name}".`,
        stale: `Lab "${name}" was no longer running; removed its record.`,
        missing: `There is no lab "${name}"; nothing to do.`,
      };
      process.stdout.write(`${say[result]}\n`);
    });
  lab
    .command('list')
    .description('list labs')
    .addHelpText('after', EXAMPLES.labList)
    .action(async () => {
      const { listRecords, isAlive } = await import('../lab/labStore.js');
      const { creatorIsAlive, describeLab, labStatus, prunable } = await import('../lab/labStatus.js');
      const labs = listRecords();
      if (labs.length === 0) process.stdout.write('No labs. Create one with: tsnet-learn lab create\n');
      const statuses = labs.map((r) => labStatus(r, isAlive(r), creatorIsAlive(r)));
      for (const [i, r] of labs.entries()) process.stdout.write(`${describeLab(r, statuses[i]!, isAlive(r))}\n`);
      if (statuses.some(prunable))
        process.stdout.write('\n`tsnet-learn lab prune` removes every orphaned or gone lab at once.\n');
    });
  lab
    .command('prune')
    .description('remove every lab left behind by a run or test that was killed, and stale records; never a lab in use')
    .action(async () => {
      const { listRecords } = await import('../lab/labStore.js');
      const { currentStatus, prunable } = await import('../lab/labStatus.js');
      const { destroyLab } = await import('../lab/lab.js');
      const gone = listRecords().filter((r) => prunable(currentStatus(r)));
      for (const r of gone) await destroyLab(r.name);
      process.stdout.write(
        gone.length
          ? `Removed ${gone.map((r) => `"${r.name}"`).join(', ')}.\n`
          : 'Nothing to prune: every lab is running or in use.\n',
      );
    });

  if (argv.length <= 2) {
    program.outputHelp();
    process.stdout.write(`\n${await (await import('./commands/overviewCommand.js')).overviewCommand()}`);
    return 0;
  }
  await program.parseAsync(argv);
  return code;
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof CommanderError) {
      // --help and --version are successes; every other commander error is a usage error.
      process.exit(
        e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2,
      );
    }
    if (e instanceof UserError) {
      process.stderr.write(`tsnet-learn: ${e.message}\n${e.help ? `${e.help}\n` : ''}`);
      process.exit(2);
    }
    process.stderr.write(`tsnet-learn: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(2);
  },
);
