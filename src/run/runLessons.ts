// Applying a lesson and its prerequisites to a target, step by step, judging each step by its checks: the
// executor of the plan (plan.ts decides, per lesson, what resumes, holds, is left out or runs).
import type { Snapshot } from '../snapshot/model.js';
import { diffSnapshots, formatChange } from '../snapshot/diffSnapshots.js';
import { checkNeeds, evaluateChecks, type CheckResult } from '../judge/evaluateChecks.js';
import { readAgain, takeFullSnapshot, unread } from '../snapshot/fullSnapshot.js';
import { partsTouched, type Touched, touchedNeeds } from './partsTouched.js';
import type { Command, Lesson, Step } from '../lesson/lesson.js';
import { shellLineFor } from '../lesson/shellLineFor.js';
import type { CheckReport, CommandReport, LessonReport, RunEvent, RunReport, StepReport } from './runReport.js';
import { execSequence, type Shell } from '../target/shell.js';
import { judgeLasting, lastingChecks } from './resumePoint.js';
import { alreadyHolds, planLesson } from './plan.js';
import { lessonTopology } from '../lesson/lessonTopology.js';
import { shellQuote } from '../core/shellQuote.js';
import { supersededClaims, withoutSuperseded } from '../judge/supersede.js';
import type { Target } from '../target/target.js';

function toCheckReport(lesson: string, step: number, r: CheckResult): CheckReport {
  return {
    id: r.decl.id,
    lesson,
    step,
    kind: r.decl.kind,
    title: r.decl.title,
    status: r.status,
    message: r.message,
    hint: r.decl.hint,
    points: r.decl.points,
    durationMs: r.durationMs ?? 0,
  };
}

export interface RunInput {
  /** Prerequisites first, the lesson last. */
  chain: Lesson[];
  target: Target;
  shell: Shell;
  onEvent?: (e: RunEvent) => void;
  /** Steps to leave out, as `lesson-id:step` (ablation). */
  skipSteps?: ReadonlySet<string>;
  /** Go on after a failed step and judge every later step too (ablation wants every check's verdict). */
  keepGoing?: boolean;
  /** Stop any single command after this many seconds (ablation: a curl into a broken network hangs for minutes). */
  commandTimeoutS?: number;
  /** Report what each step changed (a full snapshot after each step, compared with the one before). */
  changes?: boolean;
  /** Lessons that come after the chain (learn: the one typed by hand): what they undo is not applied again. */
  later?: readonly Lesson[];
  /** Called once each step that ran has been judged, before the next one runs; `false` ends the run there. */
  afterStep?: (lesson: Lesson, step: Step) => Promise<boolean>;
}

export async function runLessons(input: RunInput): Promise<RunReport> {
  const { chain, target, shell } = input;
  // Where probes may go outside a lab: what the whole chain builds.
  const topology = lessonTopology(chain);
  const emit = input.onEvent ?? (() => undefined);
  const started = Date.now();
  const report: RunReport = {
    lesson: chain.at(-1)!.id,
    target: target.label,
    passed: true,
    durationMs: 0,
    lessons: [],
    steps: [],
    checks: [],
  };
  let failed = false;
  let stopped = false;
  // What a later lesson undoes on purpose does not count against an earlier one being done. Within a
  // lesson the order of its steps already tells where to resume.
  const superseded = new Map(
    [...supersededClaims([...chain, ...(input.later ?? [])])].filter(([, s]) => s.byLesson !== s.lesson),
  );
  // The state before the step that runs next, when changes are reported.
  let previous: Snapshot | null = null;

  const record = (lesson: string, step: Step, results: CheckResult[]): boolean => {
    for (const r of results) {
      const c = toCheckReport(lesson, step.index, r);
      report.checks.push(c);
      emit({ type: 'check', check: c });
    }
    return results.every((r) => r.status !== 'failed');
  };

  const skipRest = (lesson: Lesson, from: number): void => {
    for (const step of lesson.steps.slice(from)) {
      report.steps.push({
        lesson: lesson.id,
        index: step.index,
        title: step.title,
        status: 'skipped',
        commands: [],
        failure: null,
        durationMs: 0,
        changes: null,
      });
      for (const d of step.checks) {
        report.checks.push({
          id: d.id,
          lesson: lesson.id,
          step: step.index,
          kind: d.kind,
          title: d.title,
          status: 'skipped',
          message: 'not run: an earlier step failed',
          hint: d.hint,
          points: d.points,
          durationMs: 0,
        });
      }
    }
  };

  for (const [i, lesson] of chain.entries()) {
    if (stopped) break;
    const role = i === chain.length - 1 ? 'lesson' : 'prerequisite';
    const lr: LessonReport = { id: lesson.id, title: lesson.title, role, status: 'passed' };
    report.lessons.push(lr);
    if (failed && !input.keepGoing) {
      lr.status = 'skipped';
      skipRest(lesson, 0);
      continue;
    }
    emit({ type: 'lesson-start', lesson: lr });

    // Resume: the steps before the first unfinished one are done already (a second run, or a learner
    // got there by hand) and are not applied again; a lesson whose every lasting claim holds is skipped.
    // What the target holds is judged now, after the lessons before this one were applied; what a later
    // lesson undoes on purpose is not demanded.
    const plan = planLesson(lesson, role, {
      fresh: target.fresh,
      verdicts: target.fresh
        ? new Map()
        : await judgeLasting([withoutSuperseded(lesson, superseded)], shell, target, topology),
      skipSteps: input.skipSteps,
      superseded,
    });
    const satisfied = (step: Step, results: CheckResult[], live: boolean): void => {
      const sr: StepReport = {
        lesson: lesson.id,
        index: step.index,
        title: step.title,
        status: 'satisfied',
        commands: [],
        failure: null,
        durationMs: 0,
        changes: null,
      };
      report.steps.push(sr);
      if (live) emit({ type: 'step-start', step: sr });
      record(lesson.id, step, results);
      if (live) emit({ type: 'step-end', step: sr });
    };
    if (plan.satisfied) {
      lr.status = 'satisfied';
      for (const { step, action } of plan.steps) if (action.kind === 'holds') satisfied(step, action.results, false);
      emit({ type: 'lesson-end', lesson: lr });
      continue;
    }

    for (const [si, { step, action }] of plan.steps.entries()) {
      if (action.kind === 'holds') {
        satisfied(step, action.results, true);
        continue;
      }
      const sr: StepReport = {
        lesson: lesson.id,
        index: step.index,
        title: step.title,
        status: 'passed',
        commands: [],
        failure: null,
        durationMs: 0,
        changes: null,
      };
      const stepStarted = Date.now();
      report.steps.push(sr);
      emit({ type: 'step-start', step: sr });

      if (action.kind === 'leave-out') {
        // Left out on purpose (ablation): its checks are still judged where it would have run.
        sr.status = 'skipped';
        sr.failure = 'left out on purpose';
        record(lesson.id, step, await evaluateChecks(step.checks, shell, target, { topology }));
        emit({ type: 'step-end', step: sr });
        continue;
      }

      // A change step whose claims already hold is done: a second run, or a learner got there by hand.
      if (action.unlessHolds) {
        const demanded = lastingChecks(step).filter((d) => !superseded.has(d.id));
        const lasting = await evaluateChecks(demanded, shell, target, { lazyProbes: true, topology });
        const results = alreadyHolds(step, lasting, superseded);
        if (results) {
          sr.status = 'satisfied';
          record(lesson.id, step, results);
          emit({ type: 'step-end', step: sr });
          continue;
        }
      }

      // The state before the step: all of it the first time, later what the last step left, plus any
      // part this step may change that was never read (a first firewall rule in a netns).
      if (input.changes && !previous) previous = await takeFullSnapshot(shell, false, { expected: [] });
      const touched: Touched | null = previous ? partsTouched(step.commands, previous.netns) : null;
      if (previous && touched) {
        const missing = unread(previous, touchedNeeds(touched));
        if (missing.length > 0)
          previous = await readAgain(shell, previous, missing, false, target.outsideNs ?? undefined);
      }
      // The step's commands go to the shell at once, and right behind them the reading of what they changed
      // (only what they could have changed, with what the checks judge; the rest is carried over): bash goes
      // from one to the next without waiting for this process, and stops at a command that fails.
      const shellLineOf = (command: Command): string =>
        input.commandTimeoutS && !command.background
          ? `timeout -k 1 ${input.commandTimeoutS} bash -c ${shellQuote(shellLineFor(command))}`
          : shellLineFor(command);
      const running = execSequence(
        shell,
        step.commands
          .filter((c) => c.role === 'run')
          .map((c) => ({ line: shellLineOf(c), options: { background: c.background }, mayFail: c.mayFail })),
      );
      const judged = checkNeeds(step.checks).filter((n) => n.ns !== 'outside' || target.hasOutside);
      const reading: Promise<Snapshot> | null =
        previous && touched
          ? readAgain(
              shell,
              previous,
              [...touchedNeeds(touched), ...judged],
              touched.netnsList,
              target.outsideNs ?? undefined,
            )
          : null;
      // Answered in order below; past a failed command nobody waits for the rest, nor, when the shell is
      // gone, for the reading.
      for (const p of [...running, reading]) p?.catch(() => undefined);
      let ran = 0;
      for (const command of step.commands) {
        const context = command.context?.netns ?? 'host';
        if (command.role !== 'run') {
          const cr: CommandReport = {
            line: command.line,
            context,
            shellLine: '',
            exitCode: null,
            mayFail: command.mayFail,
            stdout: '',
            stderr: '',
            durationMs: 0,
          };
          sr.commands.push(cr);
          emit({ type: 'command-end', step: sr, command: cr });
          continue;
        }
        const shellLine = shellLineOf(command);
        emit({ type: 'command-start', step: sr, line: command.line, context });
        let cr: CommandReport;
        try {
          // Never null here: a command is not run only after one that failed, where this loop stops.
          const r = (await running[ran++])!;
          cr = {
            line: command.line,
            context,
            shellLine,
            exitCode: r.exitCode,
            mayFail: command.mayFail,
            stdout: r.stdout,
            stderr: r.stderr,
            durationMs: r.durationMs,
          };
        } catch (e) {
          cr = {
            line: command.line,
            context,
            shellLine,
            exitCode: null,
            mayFail: command.mayFail,
            stdout: '',
            stderr: (e as Error).message,
            durationMs: 0,
          };
        }
        sr.commands.push(cr);
        emit({ type: 'command-end', step: sr, command: cr });
        if (cr.exitCode !== 0 && !command.mayFail) {
          sr.status = 'failed';
          const why = cr.stderr.trim().split('\n').at(-1) || cr.stdout.trim().split('\n').at(-1) || '';
          sr.failure = `\`${command.line}\` ${cr.exitCode === null ? 'could not run' : `exited with ${cr.exitCode}`}${why ? `: ${why}` : ''}`;
          break;
        }
      }

      // One snapshot serves both: what the step changed, and the state its checks judge.
      let after: Snapshot | undefined;
      if (previous && reading) {
        try {
          after = await reading;
          sr.changes = diffSnapshots(previous, after).map(formatChange);
          emit({ type: 'changes', step: sr, changes: sr.changes });
        } catch {
          // The shell is gone (a command timed out): the checks below report that.
          after = undefined;
        }
        previous = after ?? null;
      }

      if (sr.status === 'failed') {
        for (const d of step.checks) {
          const c: CheckReport = {
            id: d.id,
            lesson: lesson.id,
            step: step.index,
            kind: d.kind,
            title: d.title,
            status: 'skipped',
            message: 'not run: the step failed',
            hint: d.hint,
            points: d.points,
            durationMs: 0,
          };
          report.checks.push(c);
          emit({ type: 'check', check: c });
        }
      } else if (step.checks.length > 0) {
        const results = await evaluateChecks(step.checks, shell, target, { snapshot: after, topology });
        if (!record(lesson.id, step, results)) {
          sr.status = 'failed';
          const n = results.filter((r) => r.status === 'failed').length;
          sr.failure = `${n} check${n > 1 ? 's' : ''} failed`;
        }
      }
      sr.durationMs = Date.now() - stepStarted;
      emit({ type: 'step-end', step: sr });
      if (input.afterStep && !(await input.afterStep(lesson, step))) {
        stopped = true;
        break;
      }
      if (sr.status === 'failed') {
        failed = true;
        lr.status = 'failed';
        if (input.keepGoing) continue;
        skipRest(lesson, si + 1);
        break;
      }
    }
    emit({ type: 'lesson-end', lesson: lr });
  }
  report.passed = !failed;
  report.durationMs = Date.now() - started;
  return report;
}
