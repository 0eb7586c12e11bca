// The run report: one value that every reporter renders. Pure data.
import type { CheckStatus } from '../judge/evaluateChecks.js';

export type StepStatus = 'passed' | 'failed' | 'satisfied' | 'skipped';

export interface CommandReport {
  line: string;
  /** `host` or the netns the command ran in. */
  context: string;
  /** What was actually sent to the shell. */
  shellLine: string;
  exitCode: number | null;
  mayFail: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface StepReport {
  lesson: string;
  index: number;
  title: string;
  status: StepStatus;
  commands: CommandReport[];
  /** Why the step failed, in one line. */
  failure: string | null;
  /** Commands and checks together. */
  durationMs: number;
  /** What the step changed (`+ link br0 (bridge): up (the host)`), when the runner was asked to report it. */
  changes: string[] | null;
}

export interface CheckReport {
  id: string;
  lesson: string;
  step: number;
  kind: string;
  title: string;
  status: CheckStatus;
  message: string;
  hint: string | null;
  points: number;
  /** A probe's own time; 0 for a claim judged from a snapshot, or not judged. */
  durationMs: number;
}

/** `lesson-6 step 2: 1 check failed`: a failed step in one line. */
export function stepFailure(s: StepReport): string {
  return `${s.lesson} step ${s.index}: ${s.failure}`;
}

export interface LessonReport {
  id: string;
  title: string;
  role: 'prerequisite' | 'lesson';
  status: 'passed' | 'failed' | 'satisfied' | 'skipped';
}

export interface RunReport {
  lesson: string;
  target: string;
  passed: boolean;
  durationMs: number;
  lessons: LessonReport[];
  steps: StepReport[];
  checks: CheckReport[];
}

export type RunEvent =
  | { type: 'lesson-start'; lesson: LessonReport }
  | { type: 'lesson-end'; lesson: LessonReport }
  | { type: 'step-start'; step: StepReport }
  | { type: 'command-start'; step: StepReport; line: string; context: string }
  | { type: 'command-end'; step: StepReport; command: CommandReport }
  | { type: 'changes'; step: StepReport; changes: string[] }
  | { type: 'check'; check: CheckReport }
  | { type: 'step-end'; step: StepReport };
