// Grading one student's machine: connect (ssh, or a lab/pid/host here), read and probe, judge here, close.
// Whatever the machine does (unreachable, a refused key, a hang, a tool missing), the result says so.
import { UserError } from '../core/errors.js';
import { nodeSpawner, type Spawner } from '../exec/spawn.js';
import { checkNeeds } from '../judge/evaluateChecks.js';
import { grade, gradedChecks, gradeScope, type GradeReport } from '../judge/grade.js';
import type { CheckDecl, Lesson } from '../lesson/lesson.js';
import type { Need } from '../snapshot/model.js';
import { timedOut, type RemoteProblem } from '../target/remoteProblem.js';
import { openShell, type Shell } from '../target/shell.js';
import type { SshOptions } from '../target/sshDestination.js';
import { connectSsh } from '../target/sshTarget.js';
import { formatSpec, openTarget, parseTargetSpec, type Target } from '../target/target.js';
import { percentOf, type StudentResult } from './classReport.js';
import type { RosterEntry } from './roster.js';

export interface GradeContext {
  chain: Lesson[];
  only: boolean;
  /** --var values (host_ip), for every student; a roster's host_ip wins. */
  vars: Record<string, string>;
  ssh: SshOptions;
  /** Seconds a student may take, connection included. */
  timeoutS: number;
  /** Send the outside world's probes from this machine to the student's host address. */
  probeFromGrader: boolean;
}

const PROBE_TOOL: Record<string, string> = { ping: 'ping', http: 'curl' };

/**
 * The programs the reads and probes of these checks, and grading's other reads (`gradeScope`), run on the
 * student's machine. Pure.
 */
export function remoteTools(decls: readonly CheckDecl[], reads: readonly Need[]): string[] {
  const needs = [...checkNeeds(decls), ...reads].filter((n) => n.ns !== 'outside');
  const tools = new Set(['ip']);
  if (needs.some((n) => n.part === 'iptables')) tools.add('iptables-save');
  if (needs.some((n) => n.ns !== 'host')) tools.add('nsenter');
  for (const d of decls) {
    const from = checkNeeds([d])[0]?.ns;
    if (PROBE_TOOL[d.kind] && from !== 'outside') tools.add(PROBE_TOOL[d.kind]!);
  }
  return [...tools];
}

function result(
  entry: RosterEntry,
  target: string,
  started: number,
  outcome: { report: GradeReport } | { problem: RemoteProblem },
): StudentResult {
  const base = { student: entry.student, target, durationMs: Date.now() - started };
  if ('problem' in outcome)
    return {
      ...base,
      status: outcome.problem.kind,
      earned: 0,
      possible: 0,
      percent: 0,
      problem: outcome.problem,
      report: null,
    };
  const r = outcome.report;
  return {
    ...base,
    // The row says whether anything failed; the points say what could not be judged (never earned).
    status: r.lessons.every((l) => l.checks.every((c) => c.status === 'pass' || c.status === 'skip'))
      ? 'passed'
      : 'failed',
    earned: r.earned,
    possible: r.possible,
    percent: percentOf(r.earned, r.possible),
    problem: null,
    report: r,
  };
}

/** A spawner whose process a timer can end: local targets get the same per-student timeout as remote ones. */
function killable(): { spawner: Spawner; kill(): void } {
  let child: { kill(s: NodeJS.Signals): boolean } | null = null;
  let killed = false;
  return {
    spawner: async (cmd, args, env) => {
      const started = await nodeSpawner(cmd, args, env);
      child = started.child;
      if (killed) child.kill('SIGKILL');
      return started;
    },
    kill() {
      killed = true;
      child?.kill('SIGKILL');
    },
  };
}

async function gradeHere(entry: RosterEntry, ctx: GradeContext, started: number): Promise<StudentResult> {
  const label = formatSpec(parseTargetSpec(entry.target));
  let target: Target;
  try {
    target = await openTarget(parseTargetSpec(entry.target), { create: false, allowHost: true });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return result(entry, label, started, { problem: { kind: 'unreachable', message: e.message, fix: e.help } });
  }
  const timer = killable();
  let late = false;
  const clock = setTimeout(() => ((late = true), timer.kill()), ctx.timeoutS * 1000);
  const shell = await openShell(target.argv, target.jobsDir, timer.spawner);
  try {
    const vars = entry.hostIp ? { ...ctx.vars, host_ip: entry.hostIp } : ctx.vars;
    const report = await grade({ chain: ctx.chain, only: ctx.only, vars, target, shell });
    return result(entry, label, started, late ? { problem: timedOut(ctx.timeoutS) } : { report });
  } finally {
    clearTimeout(clock);
    await shell.close();
  }
}

/** Grades one student of the roster. Never throws for what the student's machine does. */
export async function gradeStudent(entry: RosterEntry, ctx: GradeContext): Promise<StudentResult> {
  const started = Date.now();
  const spec = parseTargetSpec(entry.target);
  if (spec.kind !== 'ssh') return gradeHere(entry, ctx, started);
  const decls = gradedChecks(ctx.chain, ctx.only).flatMap((g) => g.decls.map((d) => d.decl));
  const options: SshOptions = {
    ...ctx.ssh,
    sudo: ctx.ssh.sudo || entry.sudo,
    options: [...entry.sshOptions, ...ctx.ssh.options],
  };
  const { topology, extraNeeds } = gradeScope(ctx.chain, ctx.vars);
  // Outside a lab, the traffic policy also reads the links of the lessons' namespaces (trafficPolicy.ts).
  const policy = topology.namespaces.map((ns): Need => ({ ns, part: 'links' }));
  const conn = await connectSsh(spec.ssh, options, remoteTools(decls, [...extraNeeds, ...policy]), ctx.timeoutS);
  let grader: Shell | null = null;
  let report: GradeReport;
  try {
    const hostIp = entry.hostIp ?? ctx.vars.host_ip ?? conn.address;
    const vars = hostIp ? { ...ctx.vars, host_ip: hostIp } : ctx.vars;
    const fromOutside = decls.some((d) => checkNeeds([d])[0]?.ns === 'outside');
    if (ctx.probeFromGrader && hostIp && fromOutside) grader = await openShell([], null, nodeSpawner);
    report = await grade({
      chain: ctx.chain,
      only: ctx.only,
      vars,
      target: conn.target,
      shell: conn.shell,
      ...(grader && hostIp ? { grader: { shell: grader, address: hostIp } } : {}),
    });
  } finally {
    await conn.shell.close();
    await grader?.close();
  }
  const problem = conn.problem();
  return result(entry, conn.target.label, started, problem ? { problem } : { report });
}
