// Step ablation: for each step that changes state, a fresh lab where exactly that step is left out.
// A check that never fails in any of these runs tests nothing; a step none of whose checks fail when
// it is left out is not verified by them.
import type { CheckStatus } from '../judge/evaluateChecks.js';
import { inFreshLab } from '../target/inFreshLab.js';
import type { Lesson } from '../lesson/lesson.js';
import { runLessons } from './runLessons.js';

export interface AblationRun {
  /** `lesson-id:step`. */
  skipped: string;
  statuses: Record<string, CheckStatus>;
}

export interface AblationCheck {
  id: string;
  lesson: string;
  step: number;
  title: string;
  /** The left-out steps that made this check fail. */
  failedWhenSkipping: string[];
}

export interface AblationReport {
  runs: AblationRun[];
  checks: AblationCheck[];
  /** Checks that passed in every run: they cannot fail. */
  cannotFail: AblationCheck[];
  /** Change steps none of whose own checks failed when the step was left out. */
  unverifiedSteps: string[];
}

/** The steps to leave out, one per run: every change step of the chain. Pure. */
export function ablationPlan(chain: readonly Lesson[], lastOnly = false): string[] {
  return chain
    .slice(lastOnly ? -1 : 0)
    .flatMap((l) => l.steps.filter((s) => s.kind === 'change').map((s) => `${l.id}:${s.index}`));
}

/** Which checks failed when which step was left out. Pure. */
export function judgeAblation(
  chain: readonly Lesson[],
  runs: readonly AblationRun[],
  lastOnly = false,
): AblationReport {
  const checks: AblationCheck[] = chain.slice(lastOnly ? -1 : 0).flatMap((l) =>
    l.steps.flatMap((s) =>
      s.checks.map((c) => ({
        id: c.id,
        lesson: l.id,
        step: s.index,
        title: c.title,
        failedWhenSkipping: runs.filter((r) => r.statuses[c.id] === 'failed').map((r) => r.skipped),
      })),
    ),
  );
  const unverifiedSteps = runs
    .filter((r) => {
      const [lesson, step] = [
        r.skipped.slice(0, r.skipped.lastIndexOf(':')),
        Number(r.skipped.slice(r.skipped.lastIndexOf(':') + 1)),
      ];
      return !checks.some((c) => c.lesson === lesson && c.step === step && c.failedWhenSkipping.includes(r.skipped));
    })
    .map((r) => r.skipped);
  return {
    runs: [...runs],
    checks,
    cannotFail: checks.filter((c) => c.failedWhenSkipping.length === 0),
    unverifiedSteps,
  };
}

/** One fresh lab per left-out step, `jobs` at a time; every lab is destroyed, also on failure. */
/** `lastOnly`: leave out only the last lesson's steps (its prerequisites are ablated on their own). */
/** `keep`: the labs are not tied to this process (test --keep keeps interrupted ones). */
export async function ablate(
  chain: readonly Lesson[],
  options: { jobs: number; lastOnly?: boolean; keep?: boolean; onRun?: (r: AblationRun) => void },
): Promise<AblationReport> {
  const plan = ablationPlan(chain, options.lastOnly);
  const runs: AblationRun[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.length) {
      const i = next++;
      const skipped = plan[i]!;
      const command = `test --ablate ${chain.at(-1)!.id} without ${skipped}`;
      const run = await inFreshLab(
        `ablate-${process.pid}-${i}`,
        { command, keep: options.keep },
        async (target, shell): Promise<AblationRun> => {
          const report = await runLessons({
            chain: [...chain],
            target,
            shell,
            skipSteps: new Set([skipped]),
            keepGoing: true,
            commandTimeoutS: 10,
          });
          return { skipped, statuses: Object.fromEntries(report.checks.map((c) => [c.id, c.status])) };
        },
      );
      runs.push(run);
      options.onRun?.(run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, plan.length)) }, worker));
  runs.sort((a, b) => plan.indexOf(a.skipped) - plan.indexOf(b.skipped));
  return judgeAblation(chain, runs, options.lastOnly);
}
