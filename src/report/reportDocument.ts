// The one report shape that `run`, `check` and `test` print with --format json, and that TAP and JUnit
// are rendered from. schema/report.schema.json describes the same shape for readers outside TypeScript. Pure.
import { TOOL_NAME, TOOL_VERSION } from '../core/tool.js';

export const SCHEMA_VERSION = 1;

/** A check's verdict: one vocabulary for every command and format. */
export type ReportStatus = 'passed' | 'failed' | 'skipped';

export interface ReportCheck {
  id: string;
  lesson: string;
  step: number;
  kind: string;
  title: string;
  status: ReportStatus;
  points: number;
  /** `points` when passed, else 0: a skipped check is never earned. */
  earned: number;
  message: string;
  hint: string | null;
  durationMs: number;
}

export interface ReportCommand {
  line: string;
  context: string;
  shellLine: string;
  exitCode: number | null;
  mayFail: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ReportStep {
  index: number;
  title: string;
  status: 'passed' | 'failed' | 'satisfied' | 'skipped';
  failure: string | null;
  durationMs: number;
  changes: string[] | null;
  commands: ReportCommand[];
}

export interface ReportLesson {
  id: string;
  title: string;
  role: 'lesson' | 'prerequisite';
  status: 'passed' | 'failed' | 'skipped' | 'satisfied';
  earned: number;
  possible: number;
  durationMs: number;
  /** The first thing that failed, in one line. */
  failure: string | null;
  checks: ReportCheck[];
  /** run only. */
  steps?: ReportStep[];
}

export interface ReportSummary {
  earned: number;
  possible: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Why the skipped checks could not be judged, each reason once. */
  skipReasons: string[];
}

export interface ReportRootCause {
  lesson: string | null;
  check: string | null;
  message: string;
  fix: string | null;
}

export interface AblationFindingDocument {
  kind: 'check-cannot-fail' | 'step-unverified';
  lesson: string;
  id: string;
  title: string;
  /** A transient claim that no later step of its course makes false. */
  transient?: true;
}

export interface ReportDocument {
  tool: typeof TOOL_NAME;
  version: string;
  schemaVersion: typeof SCHEMA_VERSION;
  command: 'run' | 'check' | 'test';
  lesson: string | null;
  target: string | null;
  passed: boolean;
  durationMs: number;
  summary: ReportSummary;
  rootCause: ReportRootCause | null;
  lessons: ReportLesson[];
  /** test only. */
  ablation?: { durationMs: number; findings: AblationFindingDocument[] } | null;
}

/** A duration as the schema has it: whole milliseconds, never negative. */
export const ms = (n: number | undefined): number => Math.max(0, Math.round(n ?? 0));

/**
 * Points earned and possible of a run or test: a skipped check (not run after a failure, or already in
 * place) counts neither way, a failed one only as possible. A grade has its own (skipped ones possible).
 */
export function score(checks: readonly ReportCheck[]): { earned: number; possible: number } {
  const judged = checks.filter((c) => c.status !== 'skipped');
  return {
    earned: judged.reduce((n, c) => n + c.earned, 0),
    possible: judged.reduce((n, c) => n + c.points, 0),
  };
}

/** Totals over the checks of every lesson; earned and possible as given (a grade has its own), else scored. */
export function summarize(
  lessons: readonly ReportLesson[],
  points?: { earned: number; possible: number },
): ReportSummary {
  const checks = lessons.flatMap((l) => l.checks);
  const count = (s: ReportStatus): number => checks.filter((c) => c.status === s).length;
  const skipReasons = [...new Set(checks.filter((c) => c.status === 'skipped').map((c) => c.message))];
  return {
    ...(points ?? score(checks)),
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    skipReasons,
  };
}

/** The fields every report starts with. */
export function header(
  command: ReportDocument['command'],
): Pick<ReportDocument, 'tool' | 'version' | 'schemaVersion' | 'command'> {
  return { tool: TOOL_NAME, version: TOOL_VERSION, schemaVersion: SCHEMA_VERSION, command };
}

/** `--format json`. */
export function jsonReport(doc: ReportDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
