// Judging checks: one snapshot for all state checks, then the active probes. Side effects only via Shell.
import { checkKinds } from '../../checks/index.js';
import { topologyOf, type LessonTopology } from '../lesson/lessonTopology.js';
import { nsLabel } from '../snapshot/space.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import type { ProbeEnv, Verdict } from '../../checks/types.js';
import type { CheckDecl } from '../lesson/lesson.js';
import type { Shell } from '../target/shell.js';
import { inNamespace, takeSnapshot } from '../snapshot/takeSnapshot.js';
import type { Target } from '../target/target.js';
import { policyNeeds, trafficPolicy } from './trafficPolicy.js';
import { untilSettled } from './untilSettled.js';
import { lateAnswers, settleScript, unsettled } from '../snapshot/settling.js';
import { parseSnapshotOutput, snapshotScript } from '../snapshot/snapshotScript.js';
import { firstProbes, oneRoundTripScript, splitOneRoundTrip } from './oneRoundTrip.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  decl: CheckDecl;
  status: CheckStatus;
  message: string;
  /** A probe's own time; a claim judged from a snapshot takes none of its own (absent). */
  durationMs?: number;
}

/**
 * Probes `from=outside` sent by the grading machine itself (a remote target graded with --probe-from-grader):
 * what the student's machine says cannot fake them. They go to `address` only, the student's host address.
 */
export interface GraderProbes {
  shell: Shell;
  address: string;
}

function graderEnv(grader: GraderProbes, stillComingUp: ProbeEnv['stillComingUp']): ProbeEnv {
  return {
    exec: batched(grader.shell, (line) => line),
    // What is still coming up is the student's network, the one the grader's probes go into.
    stillComingUp,
    lateAnswers: ['the path from the grading machine (not read)'],
    refuseTraffic: (address) =>
      address === grader.address
        ? null
        : `the grader sends traffic only to the student's own address ${grader.address}, not to ${address}`,
  };
}

/** Evaluates state checks over one snapshot, then the probes (with `lazyProbes`, only when every state check holds). */
export async function evaluateChecks(
  decls: readonly CheckDecl[],
  shell: Shell,
  target: Target,
  options: EvaluateOptions = {},
): Promise<CheckResult[]> {
  return (await evaluateWithSnapshot(decls, shell, target, options)).results;
}

/** What these checks read. */
export function checkNeeds(decls: readonly CheckDecl[]): Need[] {
  return decls.flatMap((d) => checkKinds[d.kind]!.needs(d.args));
}

export interface EvaluateOptions {
  /** Probe only when every state check holds. */
  lazyProbes?: boolean;
  /** Already taken (right after a step, for "what changed"): it must hold what these checks read. */
  snapshot?: Snapshot;
  /** What the lessons build, for where probes may go outside a lab; default: what these checks name. */
  topology?: LessonTopology;
  /** Send `from=outside` probes from the grading machine instead (a remote target, --probe-from-grader). */
  grader?: GraderProbes;
  /**
   * Read, settle and send the probes' first attempts in one script (src/judge/oneRoundTrip.ts): for a
   * remote machine, where each round trip costs the network's latency. Not with `snapshot` nor `lazyProbes`.
   */
  oneRoundTrip?: boolean;
}

/** What the one round trip brought back: the state read, and the answers the probes may take from it. */
interface Trip {
  read: string;
  /** What was still coming up before the probes; empty: settled, the answers below stand. */
  comingUp: string[];
  /** What may hold an answer back, read with the settle read (src/snapshot/settling.ts). */
  late: string[];
  /** Each sent probe's answer, by the line as run in its namespace. */
  answers: Map<string, { exitCode: number; output: string }>;
  /** Read once the probes ended, for negative ones asking what was still resolving then. */
  neighbours: string | null;
}

/** A probe's line as run from its namespace of the target. */
type Wrap = (line: string, ns: string) => string;

const isNegated = (d: CheckDecl): boolean => checkKinds[d.kind]!.negated(d.args);

async function roundTrip(
  decls: readonly CheckDecl[],
  needs: readonly Need[],
  shell: Shell,
  target: Target,
  topology: LessonTopology,
  wrap: Wrap,
): Promise<Trip | null> {
  const outside = target.outsideNs ?? undefined;
  const first = await firstProbes(decls);
  const neighbours = first.some((p) => isNegated(p.decl)) ? settleScript(target.outsideNs, { neighbours: true }) : null;
  const { script, probes } = oneRoundTripScript({
    read: needs.length ? snapshotScript(needs, outside) : '',
    settle: decls.some((d) => !checkKinds[d.kind]!.evaluate && isNegated(d))
      ? settleScript(target.outsideNs, { proxies: true })
      : null,
    namespaces: topology.namespaces,
    probes: first,
    wrap,
    neighbours,
  });
  const out = splitOneRoundTrip((await shell.exec(script)).stdout, probes.length);
  if (!out) return null;
  const answers = new Map<string, { exitCode: number; output: string }>();
  probes.forEach((p, i) => {
    const answer = out.probes[i];
    if (answer) answers.set(wrap(p.line, p.ns), answer);
  });
  return {
    read: out.read,
    comingUp: unsettled(out.settle),
    late: lateAnswers(out.settle),
    answers,
    neighbours: neighbours === null ? null : out.neighbours,
  };
}

/**
 * A probe's environment that takes its first answers from the round trip, where the line is the one it
 * sent there; what it sends next goes to the shell. Right after such an answer, it asks what is still
 * coming up from the reading taken when those probes ended, as the shell would have been asked then.
 */
function replayed(env: ProbeEnv, trip: Trip, wrap: Wrap): ProbeEnv {
  let fresh = false;
  return {
    ...env,
    exec(line, ns) {
      const key = wrap(line, ns);
      const answer = trip.answers.get(key);
      fresh = answer !== undefined;
      if (!answer) return env.exec(line, ns);
      trip.answers.delete(key);
      return Promise.resolve(answer);
    },
    stillComingUp() {
      if (!fresh || trip.neighbours === null) return env.stillComingUp();
      fresh = false;
      return Promise.resolve(unsettled(trip.neighbours).join('; ') || null);
    },
  };
}

/** Like evaluateChecks, and also returns the snapshot (with `extraNeeds` read too, for diagnosis). */
export async function evaluateWithSnapshot(
  decls: readonly CheckDecl[],
  shell: Shell,
  target: Target,
  options: EvaluateOptions & { extraNeeds?: readonly Need[] } = {},
): Promise<{ results: CheckResult[]; snapshot: Snapshot }> {
  const topology = options.topology ?? topologyOf(decls);
  const outside = target.outsideNs ?? undefined;
  const wrap: Wrap = (line, ns) => inNamespace(line, ns, outside);
  // Only a target with an outside world has one to read.
  const needs = [...checkNeeds(decls), ...(options.extraNeeds ?? []), ...policyNeeds(target, topology)].filter(
    (n) => n.ns !== 'outside' || target.hasOutside,
  );
  const trip =
    options.oneRoundTrip && !options.snapshot && !options.lazyProbes
      ? await roundTrip(decls, needs, shell, target, topology, wrap)
      : null;
  const snapshot = trip
    ? parseSnapshotOutput(trip.read, needs)
    : options.snapshot
      ? await withPolicyNeeds(options.snapshot, policyNeeds(target, topology), shell, outside)
      : await takeSnapshot(shell, needs, outside);
  let comingUpRead: Promise<string | null> | null = null;
  // Known once the target is read before the negative probes; until then, assume a late answer may come.
  let late: readonly string[] = ['the target (not read)'];
  const env: ProbeEnv = {
    get lateAnswers() {
      return late;
    },
    exec: batched(shell, wrap),
    refuseTraffic: trafficPolicy(target, snapshot, topology),
    // Negative probes whose first window ends together ask once, and send their next window together.
    stillComingUp: () =>
      (comingUpRead ??= shell
        .exec(settleScript(target.outsideNs, { neighbours: true }))
        .then((r) => unsettled(r.stdout).join('; ') || null)
        .finally(() => {
          comingUpRead = null;
        })),
  };
  const results: (CheckResult | null)[] = decls.map((decl) => {
    const kind = checkKinds[decl.kind]!;
    if (!kind.evaluate) return null;
    // A claim about a namespace that does not exist fails, even "absent": it would be true of anything.
    const gone = kind
      .needs(decl.args)
      .find((n) => n.part !== 'netns' && n.ns !== 'host' && snapshot.spaces[n.ns] === null);
    if (gone) return { decl, status: 'failed', message: `${nsLabel(gone.ns)} does not exist` };
    return judge(decl, kind.evaluate(decl.args, snapshot), kind.negated(decl.args));
  });
  const stateFailed = results.some((r) => r?.status === 'failed');
  // A negative claim ("cannot reach") is only as good as the path it was tried on: first wait until no
  // link of the target is still coming up (src/judge/untilSettled.ts), then send every probe at once, in
  // one batch, side by side: a step costs its slowest probe, not the sum, and the waits of negative
  // probes (ping.ts, http.ts) overlap each other and the rest.
  const negated = decls.some((d, i) => !results[i] && isNegated(d));
  // The round trip's answers stand only if nothing was coming up when they were sent; else as without it.
  const replay = trip && trip.comingUp.length === 0 ? trip : null;
  const settled =
    negated && !(options.lazyProbes && stateFailed) && !replay ? await untilSettled(shell, target.outsideNs) : null;
  const comingUp = settled?.comingUp ?? null;
  if (settled) late = settled.late;
  else if (replay) late = replay.late;
  await Promise.all(
    decls.map(async (decl, i) => {
      if (results[i]) return;
      const kind = checkKinds[decl.kind]!;
      if (options.lazyProbes && stateFailed) {
        results[i] = { decl, status: 'skipped', message: 'not probed: a state check already fails' };
        return;
      }
      const from = kind.needs(decl.args)[0]?.ns ?? 'host';
      const byGrader = from === 'outside' && options.grader !== undefined;
      const probeEnv = byGrader
        ? graderEnv(options.grader!, env.stillComingUp)
        : replay
          ? replayed(env, replay, wrap)
          : env;
      if (!byGrader && from === 'outside' && !target.hasOutside) {
        results[i] = {
          decl,
          status: 'skipped',
          message: env.refuseTraffic('', 'outside')!,
        };
        return;
      }
      if (!byGrader && snapshot.spaces[from] === null) {
        // Even a "fails" probe proves nothing when the namespace it runs from is missing.
        results[i] = { decl, status: 'failed', message: `${nsLabel(from)} does not exist` };
        return;
      }
      const started = Date.now();
      const verdict = await kind.probe!(decl.args, probeEnv);
      const durationMs = Date.now() - started;
      // Silence while links were still coming up proves nothing: the claim is not shown true.
      if (comingUp && kind.negated(decl.args) && !verdict.ok && !verdict.skip) {
        results[i] = {
          decl,
          status: 'failed',
          message: `${verdict.message}, but the network was still coming up (${comingUp}): no proof of silence`,
          durationMs,
        };
        return;
      }
      results[i] = { ...judge(decl, verdict, kind.negated(decl.args)), durationMs };
    }),
  );
  return { results: results as CheckResult[], snapshot };
}

/**
 * A snapshot handed in (read for "what changed") holds what the checks read, but maybe not what the
 * traffic policy needs outside a lab (the outside's addresses): those parts are read now, in one go.
 */
async function withPolicyNeeds(
  snapshot: Snapshot,
  needs: readonly Need[],
  shell: Shell,
  outside: string | undefined,
): Promise<Snapshot> {
  const lacking = needs.filter((n) => {
    const space = snapshot.spaces[n.ns];
    return space === undefined || (space !== null && n.part !== 'netns' && space[n.part] === undefined);
  });
  if (lacking.length === 0) return snapshot;
  const read = await takeSnapshot(shell, lacking, outside);
  const spaces = { ...snapshot.spaces };
  for (const [ns, state] of Object.entries(read.spaces)) spaces[ns] = state && { ...(spaces[ns] ?? {}), ...state };
  return { ...snapshot, spaces };
}

/** Collects the exec calls made in the same tick and sends them to the shell as one parallel batch. */
function batched(shell: Shell, wrap: (line: string, ns: string) => string): ProbeEnv['exec'] {
  let pending: {
    line: string;
    resolve: (r: { exitCode: number; output: string }) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    shell.execAll(batch.map((p) => p.line)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      (e: unknown) => batch.forEach((p) => p.reject(e)),
    );
  };
  return (line, ns) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ line: wrap(line, ns), resolve, reject });
    });
}

function judge(decl: CheckDecl, v: Verdict, negated: boolean): CheckResult {
  if (v.skip) return { decl, status: 'skipped', message: v.skip };
  const passed = v.ok !== negated;
  return {
    decl,
    status: passed ? 'passed' : 'failed',
    message: negated && !passed ? `${v.message} (expected the opposite)` : v.message,
  };
}
