// Judging checks: one snapshot for all state checks, then the active probes. Side effects only via Shell.
import { checkKinds } from '../../checks/index.js';
import { inCidr, parseCidr } from '../core/ipv4.js';
import { nsLabel } from '../snapshot/space.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import type { ProbeEnv, Verdict } from '../../checks/types.js';
import type { CheckDecl } from '../lesson/lesson.js';
import type { Shell } from '../target/shell.js';
import { inNamespace, takeSnapshot } from '../snapshot/takeSnapshot.js';
import type { Target } from '../target/target.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  decl: CheckDecl;
  status: CheckStatus;
  message: string;
  /** A probe's own time; a claim judged from a snapshot takes none of its own (absent). */
  durationMs?: number;
}

const LAB_SUBNET = parseCidr('172.18.0.0/16')!;

/**
 * Network safety: in a lab every address is inside namespaces we created. Elsewhere only the
 * tutorial's container subnet, loopback and the machine's own addresses may be probed.
 */
function trafficPolicy(target: Target, snapshot: Snapshot): ProbeEnv['refuseTraffic'] {
  return (address, ns) => {
    if (ns === 'outside' && !target.hasOutside)
      return `${target.label} has no outside world to send from; run it in a lab to test this`;
    if (target.spec.kind === 'lab') return null;
    const local = new Set((snapshot.spaces.host?.links ?? []).flatMap((l) => l.addresses.map((a) => a.local)));
    if (inCidr(address, LAB_SUBNET) || address.startsWith('127.') || local.has(address)) return null;
    return `${address} is not an address of this machine or its containers; not sending traffic there (a lab has an outside world for this)`;
  };
}

/**
 * Probes `from=outside` sent by the grading machine itself (a remote target graded with --probe-from-grader):
 * what the student's machine says cannot fake them. They go to `address` only, the student's host address.
 */
export interface GraderProbes {
  shell: Shell;
  address: string;
}

function graderEnv(grader: GraderProbes): ProbeEnv {
  return {
    exec: batched(grader.shell, (line) => line),
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
  options: { lazyProbes?: boolean; snapshot?: Snapshot } = {},
): Promise<CheckResult[]> {
  return (await evaluateWithSnapshot(decls, shell, target, options)).results;
}

/** What these checks read. */
export function checkNeeds(decls: readonly CheckDecl[]): Need[] {
  return decls.flatMap((d) => checkKinds[d.kind]!.needs(d.args));
}

/** Like evaluateChecks, and also returns the snapshot (with `extraNeeds` read too, for diagnosis). */
export async function evaluateWithSnapshot(
  decls: readonly CheckDecl[],
  shell: Shell,
  target: Target,
  options: { lazyProbes?: boolean; extraNeeds?: readonly Need[]; snapshot?: Snapshot; grader?: GraderProbes } = {},
): Promise<{ results: CheckResult[]; snapshot: Snapshot }> {
  // Only a lab has an outside world to read.
  const needs = [...checkNeeds(decls), ...(options.extraNeeds ?? [])].filter(
    (n) => n.ns !== 'outside' || target.hasOutside,
  );
  if (target.spec.kind !== 'lab') needs.push({ ns: 'host', part: 'links' });
  // A snapshot handed in (taken right after the step, for "what changed") must hold what these checks read.
  const snapshot = options.snapshot ?? (await takeSnapshot(shell, needs));
  const env: ProbeEnv = {
    exec: batched(shell, (line, ns) => inNamespace(line, ns)),
    refuseTraffic: trafficPolicy(target, snapshot),
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
  // Probes run side by side: a step costs its slowest probe, not the sum.
  await Promise.all(
    decls.map(async (decl, i) => {
      if (results[i]) return;
      const kind = checkKinds[decl.kind]!;
      if (options.lazyProbes && stateFailed) {
        results[i] = { decl, status: 'skipped', message: 'not probed: a state check already fails' };
        return;
      }
      const from = kind.needs(decl.args)[0]?.ns ?? 'host';
      if (from === 'outside' && options.grader) {
        results[i] = judge(decl, await kind.probe!(decl.args, graderEnv(options.grader)), kind.negated(decl.args));
        return;
      }
      if (from === 'outside' && !target.hasOutside) {
        results[i] = {
          decl,
          status: 'skipped',
          message: `${target.label} has no outside world to send from; run it in a lab to test this`,
        };
        return;
      }
      if (snapshot.spaces[from] === null) {
        // Even a "fails" probe proves nothing when the namespace it runs from is missing.
        results[i] = { decl, status: 'failed', message: `${nsLabel(from)} does not exist` };
        return;
      }
      const started = Date.now();
      const verdict = await kind.probe!(decl.args, env);
      results[i] = { ...judge(decl, verdict, kind.negated(decl.args)), durationMs: Date.now() - started };
    }),
  );
  return { results: results as CheckResult[], snapshot };
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
