#!/usr/bin/env node
// The entry point and the only place that calls process.exit. Heavy modules are imported lazily. Also the
// entry of node's startup snapshot (src/cli/buildSnapshot.ts): nothing here touches the process before
// `start`, which runs when node starts from the snapshot, not when it is built.
import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';
import { exitCodeFor, type Exit, outputClosed } from '../exec/onInterrupt.js';
import { HOST_IP } from '../lab/labWorld.js';
import { EXAMPLES, OUTSIDE_HELP } from './help.js';
import type { RunOptions } from './commands/runCommand.js';
import { CHECK_REMOTE_HELP, classFormatOption, GRADE_HELP, withRemoteOptions } from './remoteOptions.js';

// commander is CommonJS: its ESM wrapper sends it through node's CJS lexer, ~25 ms more than require.
const { Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof import('commander');

/** The one way out of the process; a command that must end it from a signal handler gets this. */
const exit: Exit = (code) => process.exit(code);

async function main(argv: string[]): Promise<number> {
  const program = new Command('tsnet-learn')
    .description('Learn Linux container networking by hand: lessons that run and verify themselves in isolated labs.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    // Every error line starts the same way, commander's own too (`error: unknown option` otherwise).
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'tsnet-learn: ')),
    })
    // Options after a command are that command's: `run --target` is not the overview's --target.
    .enablePositionalOptions()
    .option('-t, --target <target>', 'without a command: the lab whose progress to show, lab:NAME', 'lab:default')
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
    .action(async (lessonArg: string, opts: RunOptions) => {
      code = await (await import('./commands/runCommand.js')).runCommand(lessonArg, opts, exit);
    });

  program
    .command('check')
    .description('grade a network someone built by hand: inspect and probe only, never change it')
    .argument('<lesson>', 'lesson id, number or path: its checks and those of its prerequisites are judged')
    .option(
      '-t, --target <target>',
      "lab (= lab:default), lab:NAME, host, pid:PID (enters that process's net and mount namespaces), ssh://[user@]host[:port] or ssh:ALIAS",
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
      `substitute a value, e.g. host_ip=192.0.2.7 for the lab host's ${HOST_IP}`,
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--outside <netns>', OUTSIDE_HELP)
    .addHelpText('after', EXAMPLES.check + CHECK_REMOTE_HELP)
    .action(
      async (lessonArg: string, opts: Parameters<typeof import('./commands/checkCommand.js').checkCommand>[1]) => {
        code = await (await import('./commands/checkCommand.js')).checkCommand(lessonArg, opts, exit);
      },
    );

  withRemoteOptions(program.commands.find((c) => c.name() === 'check')!);

  withRemoteOptions(
    program
      .command('grade')
      .description('grade a whole class: every machine of a roster over ssh, side by side, one class report')
      .argument('<lesson>', 'lesson id, number or path: its checks and those of its prerequisites are judged')
      .requiredOption('--roster <file>', 'the class: CSV (student,target) or an Ansible INI inventory')
      .option('-j, --jobs <n>', 'students graded at a time (default 8)')
      .addOption(classFormatOption())
      .option(
        '-o, --output <file>',
        'also write the report to FILE, in the format of its name: .csv .html .json .xml (JUnit) .txt; repeatable',
        (v: string, prev: string[]) => [...prev, v],
        [] as string[],
      )
      .option('--only', "judge only the lesson's own checks, not its prerequisites'")
      .option(
        '--var <name=value>',
        'substitute a value for every student, e.g. host_ip=192.0.2.7 (by default the address ssh connects to)',
        (v: string, prev: string[]) => [...prev, v],
        [] as string[],
      ),
  )
    .addHelpText('after', GRADE_HELP)
    .action(
      async (lessonArg: string, opts: Parameters<typeof import('./commands/gradeCommand.js').gradeCommand>[1]) => {
        code = await (await import('./commands/gradeCommand.js')).gradeCommand(lessonArg, opts, exit);
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
    .argument('[paths...]', 'lesson files or folders of them (default: the bundled lessons)')
    .action(async (files: string[]) => {
      code = await (await import('./commands/lintCommand.js')).lintCommand(files);
    });

  program
    .command('test')
    .description(
      'regression-test lessons: each from scratch in its own fresh lab, in parallel; --ablate proves every check can fail',
    )
    .argument('[lessons...]', 'lesson ids, numbers, lesson files or folders of them (default: every lesson)')
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
        code = await (await import('./commands/testCommand.js')).testCommand(args, opts, exit);
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
    .argument('[course]', 'a folder of lesson files, or one lesson file (default: the bundled lessons)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .action(async (course: string | undefined, opts: { format: 'pretty' | 'json' }) => {
      code = await (await import('./commands/listCommand.js')).listCommand(course, opts);
    });

  program
    .command('show')
    .description('show a lesson as the runner sees it: steps, each command with its context, the checks')
    .addHelpText('after', EXAMPLES.show)
    .argument('<lesson>', 'lesson id, number or path')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .action(async (lessonArg: string, opts: { format: 'pretty' | 'json' }) => {
      code = await (await import('./commands/showCommand.js')).showCommand(lessonArg, opts);
    });

  program
    .command('learn')
    .description(
      'practise a lesson by hand: a shell in a lab at the first unfinished step, checked after every command',
    )
    .argument('<lesson>', 'lesson id (lesson-3), number (3) or path to a lesson file')
    .option('-t, --target <target>', 'the lab to practise in, lab:NAME (created when missing)', 'lab:default')
    .addOption(new Option('--lab <name>', 'deprecated: --target lab:NAME').hideHelp())
    .option('--from-scratch', 'destroy the lab first and start from a new one')
    .addHelpText('after', EXAMPLES.learn)
    .action(async (lessonArg: string, opts: { target: string; lab?: string; fromScratch?: boolean }) => {
      code = await (await import('./commands/learnCommand.js')).learnCommand(lessonArg, opts, exit);
    });

  const lab = program
    .command('lab')
    .description('create, enter, list and destroy labs (isolated networks to practise in)')
    .addHelpText('after', EXAMPLES.lab);
  lab
    .command('create')
    .description(`create a lab with the tutorial's world (host ${HOST_IP}, an outside network)`)
    .addHelpText('after', EXAMPLES.labCreate)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      code = await (await import('./commands/labCreateCommand.js')).labCreateCommand(name);
    });
  lab
    .command('shell')
    .description('open a shell inside a lab (created when missing)')
    .addHelpText('after', EXAMPLES.labShell)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      code = await (await import('./commands/labShellCommand.js')).labShellCommand(name);
    });
  lab
    .command('destroy')
    .description('destroy a lab: every namespace, link, rule and process in it')
    .addHelpText('after', EXAMPLES.labDestroy)
    .argument('[name]', 'lab name', 'default')
    .action(async (name: string) => {
      code = await (await import('./commands/labDestroyCommand.js')).labDestroyCommand(name);
    });
  lab
    .command('list')
    .description('list labs: name, status, pid, and what made them')
    .addHelpText('after', EXAMPLES.labList)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .action(async (opts: { format: 'pretty' | 'json' }) => {
      code = await (await import('./commands/labListCommand.js')).labListCommand(opts);
    });
  lab
    .command('exec')
    .description('run one command inside a lab and exit with its exit code')
    .addHelpText('after', EXAMPLES.labExec)
    .argument('<name>', 'lab name')
    .argument('<command...>', 'the command and its arguments, after --')
    // Everything after the lab name is the command's, its options too.
    .passThroughOptions()
    .action(async (name: string, command: string[]) => {
      // Passed through, the `--` that ends our options comes along; it is not part of the command.
      const argv = command[0] === '--' ? command.slice(1) : command;
      if (argv.length === 0)
        throw new UserError('lab exec needs a command.', 'For example: tsnet-learn lab exec NAME -- ip -br link');
      code = await (await import('./commands/labExecCommand.js')).labExecCommand(name, argv);
    });
  lab
    .command('prune')
    .description('remove every lab left behind by a run or test that was killed, and stale records; never a lab in use')
    .addHelpText('after', EXAMPLES.labPrune)
    .action(async () => {
      code = await (await import('./commands/labPruneCommand.js')).labPruneCommand();
    });

  // No command: the help, then the lessons and how far the learner got (in the lab --target names).
  program.allowExcessArguments().action(async (opts: { target: string }) => {
    // Anything left is not a command: commander's own message, with its "(Did you mean …?)".
    if (program.args.length > 0) (program as unknown as { unknownCommand(): never }).unknownCommand();
    const overview = await (await import('./commands/overviewCommand.js')).overviewCommand(opts.target);
    program.outputHelp();
    process.stdout.write(`\n${overview}`);
  });
  await program.parseAsync(argv);
  return code;
}

function start(argv: string[]): void {
  // Output piped into `head` and closed early: an interrupt (a run cleans up its lab); exit 141, as for SIGPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    outputClosed();
    exit(exitCodeFor('SIGPIPE'));
  });
  main(argv).then(exit, (e: unknown) => {
    if (e instanceof CommanderError) {
      // --help and --version are successes; every other commander error is a usage error.
      exit(
        e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2,
      );
    }
    if (e instanceof UserError) {
      process.stderr.write(`tsnet-learn: ${e.message}\n${e.help ? `${e.help}\n` : ''}`);
      exit(2);
    }
    process.stderr.write(`tsnet-learn: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    exit(2);
  });
}

// Building the startup snapshot, the CLI starts later, in each process node starts from it.
if (process.execArgv.includes('--build-snapshot'))
  createRequire(import.meta.url)('node:v8').startupSnapshot.setDeserializeMainFunction(() => start(process.argv));
else start(process.argv);
