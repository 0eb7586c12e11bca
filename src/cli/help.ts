// The help texts' examples, one block per command, shown after commander's own usage and options.

/** --outside, for run and check on a host or pid target. */
export const OUTSIDE_HELP =
  'host and pid: targets: the namespace that plays the outside world, a netns name inside the target or pid:PID';

export const EXAMPLES = {
  main: `
Examples:
  tsnet-learn                       the lessons, and how far you got in the lab "default"
  tsnet-learn --target lab:mine     the same for the lab "mine"
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
130 interrupted (SIGINT), 143 terminated (SIGTERM), 141 output closed (| head).`,
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
  tsnet-learn test courses/relay        every lesson of another course (a folder of lesson files)
  tsnet-learn lint                      check the lesson files themselves

Every lab of the run is destroyed when it ends, on Ctrl-C or SIGTERM, and also when the run is killed;
with --keep, the labs of lessons still running at an interrupt stay, and their names are printed.
Exit codes: 0 all passed, 1 a lesson failed or a check cannot fail, 2 usage or environment error,
130 interrupted (SIGINT), 143 terminated (SIGTERM), 141 output closed (| head).`,
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
  tsnet-learn learn 5 -t lab:mine       in the lab "mine"; picks up at the first step not done yet
  tsnet-learn learn 3 --from-scratch    start over in a new lab

Inside: type the step's commands. After each one its checks are judged and what it changed is shown.
Helpers: step (show it again), hint, next, skip, where; exit leaves (the lab stays).`,
  list: `
Examples:
  tsnet-learn list                  id, title, steps, checks and prerequisites of every lesson
  tsnet-learn list --format json    the same, for scripts
  tsnet-learn list courses/relay    the lessons of another course: a folder of lesson files
  tsnet-learn                       the lessons, and how far you got in the lab "default"`,
  show: `
Examples:
  tsnet-learn show lesson-3         each step's commands, where they run (host or a netns), its checks
  tsnet-learn show 7                a lesson by number
  tsnet-learn show ./my-lesson.md   a lesson file of your own, as the runner reads it
  tsnet-learn show 5 --format json  the same, for scripts`,
  lint: `
Examples:
  tsnet-learn lint                  the bundled lessons
  tsnet-learn lint my-lesson.md     your own lesson file: every problem at once, as file:line:col
  tsnet-learn lint courses/relay    every lesson file of a folder (a course)

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
  tsnet-learn lab list                 every lab, its pid, and whether it still runs
  tsnet-learn lab list --format json   the same, for scripts`,
  labExec: `
Examples:
  tsnet-learn lab exec default -- ip -br addr          one command in the lab "default", as its root
  tsnet-learn lab exec mine -- ip netns list

The exit code is the command's own (128+n when signal n ended it); 2 when there is no such lab.`,
  labPrune: `
Examples:
  tsnet-learn lab prune             remove the labs of runs and tests that were killed; a lab in use stays`,
  lab: `
Examples:
  tsnet-learn lab create            create the lab "default"
  tsnet-learn lab shell             a root shell inside it: type the tutorial's commands
  tsnet-learn lab exec default -- ip -br link   one command inside it
  tsnet-learn lab list              labs, their pids and whether they still run
  tsnet-learn lab destroy           remove it and everything in it
  tsnet-learn lab prune             remove labs left behind by a run or test that was killed`,
};
