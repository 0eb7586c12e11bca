// Grading a network someone else built: the lasting claims of a lesson and its prerequisites, judged
// from one snapshot plus the probes, with points, and the first broken link named. Changes nothing.
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import { HOST_IP } from '../lab/labWorld.js';
import { commandClaims, type CommandClaim } from '../lesson/commandClaims.js';
import { topologyOf, type LessonTopology } from '../lesson/lessonTopology.js';
import type { CheckDecl, Lesson } from '../lesson/lesson.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import type { Shell } from '../target/shell.js';
import type { Target } from '../target/target.js';
import { diagnose, diagnosisNeeds, type Cause } from './diagnose.js';
import { checkNeeds, evaluateWithSnapshot, type CheckResult, type GraderProbes } from './evaluateChecks.js';
import { fixFor, claimHolds } from './fixFor.js';
import {
  chooseRootCause,
  gradePassed,
  type BrokenClaim,
  type GradedCheck,
  type Placed,
  type RootCause,
} from './rootCause.js';
import { supersededClaims } from './supersede.js';

export type { GradedCheck, RootCause } from './rootCause.js';
export type GradeStatus = GradedCheck['status'];

export interface GradedLesson {
  id: string;
  title: string;
  earned: number;
  /** Every check's points, skipped ones included: what could not be judged was not earned. */
  possible: number;
  checks: GradedCheck[];
}

export interface GradeReport {
  lesson: string;
  target: string;
  /** Every check judged and holding: a skipped check is never earned, so it fails the grade too. */
  passed: boolean;
  earned: number;
  possible: number;
  /** Checks that could not be judged on this target, and why (each reason once). */
  skipped: number;
  skipReasons: string[];
  lessons: GradedLesson[];
  /** What to fix first: the earliest broken thing that explains the failures (src/judge/rootCause.ts). */
  rootCause: RootCause | null;
  /** Reading the target, judging and probing, from start to end. */
  durationMs: number;
}

/** The lab host's address in a check, replaced by the machine's own (--var host_ip). Pure. */
export function substitute(decl: CheckDecl, vars: Record<string, string>): CheckDecl {
  const pattern = new RegExp(`${HOST_IP.replace(/\./g, '\\.')}(?![\\d])`, 'g');
  if (!vars.host_ip || !pattern.test(decl.source)) return decl;
  const source = decl.source.replace(pattern, vars.host_ip);
  const parsed = parseCheckLine(source)!;
  return { ...decl, args: parsed.args, title: parsed.title, source };
}

/**
 * The checks that describe the finished state of each lesson of the chain: not the transient ones, nor
 * those a later step or lesson of the chain contradicts on purpose (it deletes the rule). Pure.
 */
export function gradedChecks(
  chain: readonly Lesson[],
  only: boolean,
): { lesson: Lesson; decls: { step: number; decl: CheckDecl }[] }[] {
  const superseded = supersededClaims(chain);
  return chain.slice(only ? -1 : 0).map((lesson) => ({
    lesson,
    decls: lesson.steps.flatMap((s) =>
      s.checks.filter((c) => !c.transient && !superseded.has(c.id)).map((decl) => ({ step: s.index, decl })),
    ),
  }));
}

function toGraded(lesson: string, step: number, r: CheckResult): GradedCheck {
  const status: GradeStatus = r.message.startsWith('error: ')
    ? 'error'
    : r.status === 'passed'
      ? 'pass'
      : r.status === 'skipped'
        ? 'skip'
        : 'fail';
  return {
    id: r.decl.id,
    lesson,
    step,
    kind: r.decl.kind,
    title: r.decl.title,
    status,
    message: r.message,
    hint: r.decl.hint,
    points: r.decl.points,
    earned: status === 'pass' ? r.decl.points : 0,
    durationMs: r.durationMs ?? 0,
  };
}

export interface GradeInput {
  chain: readonly Lesson[];
  only: boolean;
  vars: Record<string, string>;
  target: Target;
  shell: Shell;
  /** Outside-world probes sent from the grading machine (remote targets, --probe-from-grader). */
  grader?: GraderProbes;
}

/**
 * The report from the verdicts: points, hints that fit what is there, the root cause and the pass flag.
 * Pure: `snapshot` is null when the target could not be read at all.
 */
export function gradeReport(input: {
  chain: readonly Lesson[];
  groups: ReturnType<typeof gradedChecks>;
  results: readonly CheckResult[];
  claims: readonly { claim: CommandClaim; result: CheckResult }[];
  snapshot: Snapshot | null;
  causes: readonly Cause[];
  target: string;
  hostIp: string;
}): Omit<GradeReport, 'durationMs'> {
  const order = (lesson: string, step: number): number => input.chain.findIndex((l) => l.id === lesson) * 1000 + step;
  const placed: Placed[] = [];
  const lessons: GradedLesson[] = input.groups.map((g) => {
    const checks = g.decls.map((d) => {
      const r = input.results.find((x) => x.decl === d.decl)!;
      const graded = toGraded(g.lesson.id, d.step, r);
      if ((graded.status === 'fail' || graded.status === 'error') && input.snapshot)
        graded.hint = fixFor(d.decl, input.snapshot);
      placed.push({ check: graded, order: order(g.lesson.id, d.step), probe: !checkKinds[d.decl.kind]!.evaluate });
      return graded;
    });
    return {
      id: g.lesson.id,
      title: g.lesson.title,
      checks,
      earned: checks.reduce((n, c) => n + c.earned, 0),
      possible: checks.reduce((n, c) => n + c.points, 0),
    };
  });
  const flat = lessons.flatMap((l) => l.checks);
  const broken: BrokenClaim[] = input.snapshot
    ? input.claims
        .filter((c) => c.result.status === 'failed')
        .map(({ claim, result }) => ({
          claim,
          order: order(claim.lesson, claim.step),
          message: result.message,
          fix: fixFor(claim.decl, input.snapshot!, claim),
        }))
    : [];
  // A blocking cause (the published address is not this machine's) matters from the first check that needs it.
  const needsHost = placed.find((p) =>
    input.groups.some((g) => g.decls.some((d) => d.decl.id === p.check.id && d.decl.source.includes(input.hostIp))),
  );
  const skipped = flat.filter((c) => c.status === 'skip');
  return {
    lesson: input.chain.at(-1)!.id,
    target: input.target,
    passed: gradePassed(flat, input.causes),
    earned: lessons.reduce((n, l) => n + l.earned, 0),
    possible: lessons.reduce((n, l) => n + l.possible, 0),
    skipped: skipped.length,
    skipReasons: [...new Set(skipped.map((c) => c.message))],
    lessons,
    rootCause: chooseRootCause({
      checks: placed,
      claims: broken,
      causes: input.causes,
      blockingFrom: needsHost?.order ?? -1,
    }),
  };
}

/**
 * What grading judges besides the graded checks: the claims the lessons' commands leave behind (to find
 * a broken thing no check names), the network the whole chain builds (also with --only: the prerequisites
 * build what the lesson runs on), and what the diagnosis and those claims read. Pure.
 */
export function gradeScope(
  chain: readonly Lesson[],
  vars: Record<string, string>,
): { claims: CommandClaim[]; topology: LessonTopology; extraNeeds: Need[] } {
  const claims = commandClaims(chain).map((c) => ({ ...c, decl: substitute(c.decl, vars) }));
  const everyCheck = chain.flatMap((l) => l.steps.flatMap((s) => s.checks)).map((d) => substitute(d, vars));
  const topology = topologyOf([...claims.map((c) => c.decl), ...everyCheck]);
  return { claims, topology, extraNeeds: [...diagnosisNeeds(topology), ...checkNeeds(claims.map((c) => c.decl))] };
}

export async function grade(input: GradeInput): Promise<GradeReport> {
  const started = Date.now();
  const hostIp = input.vars.host_ip ?? HOST_IP;
  const groups = gradedChecks(input.chain, input.only).map((g) => ({
    ...g,
    decls: g.decls.map((d) => ({ ...d, decl: substitute(d.decl, input.vars) })),
  }));
  const all = groups.flatMap((g) => g.decls.map((d) => d.decl));
  const { claims, topology, extraNeeds } = gradeScope(input.chain, input.vars);
  let results: CheckResult[];
  let claimResults: CheckResult[] = [];
  let snapshot: Snapshot | null = null;
  let causes: Cause[] = [];
  try {
    const judged = await evaluateWithSnapshot(all, input.shell, input.target, {
      topology,
      extraNeeds,
      // Over ssh each round trip costs the network's latency: read and probe in one.
      oneRoundTrip: input.target.spec.kind === 'ssh',
      ...(input.grader ? { grader: input.grader } : {}),
    });
    results = judged.results;
    snapshot = judged.snapshot;
    claimResults = claims.map((c) => claimHolds(c.decl, judged.snapshot));
    causes = diagnose(judged.snapshot, topology, hostIp);
  } catch (e) {
    // The target could not be read at all: every check is an error, not a failure of the student.
    results = all.map((decl) => ({ decl, status: 'failed', message: `error: ${(e as Error).message}` }));
  }
  const report = gradeReport({
    chain: input.chain,
    groups,
    results,
    claims: claimResults.map((result, i) => ({ claim: claims[i]!, result })),
    snapshot,
    causes,
    target: input.target.label,
    hostIp,
  });
  return { ...report, durationMs: Date.now() - started };
}
