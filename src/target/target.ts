// Where lessons run and checks look: a lab (default), the real host, or another process's namespaces.
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { createLab, enterArgv, findLab, isRoot, type CreateLabOptions } from '../lab/lab.js';
import type { LabRecord } from '../lab/labStore.js';
import { validateLabName } from '../lab/labStore.js';
import { LAB_RUN, OUTSIDE_NS } from '../lab/labWorld.js';
import { formatSshDestination, parseSshDestination, type SshDestination } from './sshDestination.js';

/** Targets on this machine: what run, learn and graph work on. */
export type LocalTargetSpec = { kind: 'lab'; name: string } | { kind: 'host' } | { kind: 'pid'; pid: number };
/** Any target; a remote machine (ssh) is only graded (check, grade). */
export type TargetSpec = LocalTargetSpec | { kind: 'ssh'; ssh: SshDestination };

export interface Target {
  spec: TargetSpec;
  /** `lab:default`, `host`, `pid:1234`. */
  label: string;
  /** Prefix that runs a program inside the target. */
  argv: string[];
  /** Where background jobs write, inside the target; null where we may write nothing (pid:). */
  jobsDir: string | null;
  /** The lab's outside namespace exists (traffic to 172.16.0.1 / 203.0.113.1 stays inside). */
  hasOutside: boolean;
  /** Where the namespace that plays the outside world is, inside the target (a lab's, or --outside); null: none. */
  outsideNs: string | null;
  /** True when this invocation created the lab, so nothing in it can be done yet. */
  fresh: boolean;
  lab: LabRecord | null;
}

/** `lab`, `lab:NAME`, `host`, `pid:PID`, `ssh://[user@]host[:port]`, `ssh:ALIAS`. Pure. */
export function parseTargetSpec(text: string): TargetSpec {
  if (text === 'host') return { kind: 'host' };
  if (text.startsWith('ssh:')) return { kind: 'ssh', ssh: parseSshDestination(text) };
  if (text === 'lab') return { kind: 'lab', name: 'default' };
  const lab = /^lab:(.+)$/.exec(text);
  if (lab) return { kind: 'lab', name: validateLabName(lab[1]!) };
  const pid = /^pid:([1-9]\d*)$/.exec(text);
  if (pid) return { kind: 'pid', pid: Number(pid[1]) };
  throw new UserError(
    `Unknown target "${text}".`,
    'Use --target lab (the default, same as lab:default), lab:NAME, host, pid:PID, or (to grade) ssh://[user@]host[:port] or ssh:ALIAS.',
  );
}

/** The spec of a target on this machine; a remote one is refused for `command`, which changes or draws it. */
export function localSpec(spec: TargetSpec, command: string): LocalTargetSpec {
  if (spec.kind !== 'ssh') return spec;
  throw new UserError(
    `${command} works on a lab, this machine (host) or a process (pid:PID), not on ${formatSpec(spec)}.`,
    'A remote machine is graded, never changed: tsnet-learn check LESSON --target ssh://… (or grade, for a class).',
  );
}

export function formatSpec(spec: TargetSpec): string {
  if (spec.kind === 'ssh') return formatSshDestination(spec.ssh);
  return spec.kind === 'lab' ? `lab:${spec.name}` : spec.kind === 'pid' ? `pid:${spec.pid}` : 'host';
}

/** The target for a live lab. */
export function labTarget(lab: LabRecord, fresh: boolean): Target {
  return {
    spec: { kind: 'lab', name: lab.name },
    label: `lab:${lab.name}`,
    argv: enterArgv(lab),
    jobsDir: `${LAB_RUN}/jobs`,
    hasOutside: true,
    outsideNs: OUTSIDE_NS,
    fresh,
    lab,
  };
}

/** Why process `pid` cannot be a target for this user: there is none, or its network is not this user's to read. */
function pidProblem(pid: number, label: string): UserError | null {
  const none = new UserError(
    `No process ${pid}: --target ${label} names a process running inside the network to work on.`,
    'A sandbox or container is named by any process inside it, e.g. its main one (docker inspect -f {{.State.Pid}} NAME).',
  );
  let owner: number;
  try {
    owner = statSync(`/proc/${pid}`).uid;
  } catch {
    return none;
  }
  try {
    readlinkSync(`/proc/${pid}/ns/net`);
    return null;
  } catch (e) {
    // Ended meanwhile, or a zombie: it has no namespaces left.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return none;
    return new UserError(
      `Process ${pid} exists, but this user (uid ${process.getuid?.()}) may not read its network namespace;` +
        ` it runs as uid ${owner}.`,
      'Only root may look into the network of a process of another user: run it as root (sudo tsnet-learn …).',
    );
  }
}

/** `pid:PID`'s own NSpid: its pid in each pid namespace it belongs to, outermost first. */
function nsPids(pid: number): number[] {
  const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? String(pid);
  return line.trim().split(/\s+/).map(Number);
}

const sameFile = (a: string, b: string): boolean => {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
};

/**
 * `--outside NETNS|pid:PID` for a host or pid target: the path, inside the target, of the namespace
 * that plays the outside world. A name is one under the target's /run/netns; a process is found in the
 * target's own /proc by the pids it has there (its NSpid), and must be the same namespace seen from both sides.
 */
export function resolveOutside(spec: LocalTargetSpec, outside: string): string {
  if (spec.kind === 'lab')
    throw new UserError(
      '--outside is for --target host or pid:PID.',
      'A lab has its own outside world (172.16.0.1 and 203.0.113.1 behind its host).',
    );
  const root = spec.kind === 'pid' ? `/proc/${spec.pid}/root` : '';
  const pid = /^pid:([1-9]\d*)$/.exec(outside);
  if (!pid) {
    if (!/^[A-Za-z0-9_.-]+$/.test(outside) || outside === '.' || outside === '..')
      throw new UserError(`--outside "${outside}" is neither a network namespace name nor pid:PID.`);
    const path = `/run/netns/${outside}`;
    if (!existsSync(`${root}${path}`))
      throw new UserError(
        `No network namespace "${outside}" in ${formatSpec(spec)} (ip netns list shows the names there).`,
        'Name the outside world by its netns name, or by a process inside it: --outside pid:PID.',
      );
    return path;
  }
  const outer = Number(pid[1]);
  const net = `/proc/${outer}/ns/net`;
  if (!existsSync(net)) throw new UserError(`No process ${outer}: --outside pid:${outer} names no running process.`);
  if (sameFile(net, spec.kind === 'host' ? '/proc/self/ns/net' : `/proc/${spec.pid}/ns/net`))
    throw new UserError(`--outside pid:${outer} is in the network of ${formatSpec(spec)} itself, not outside it.`);
  if (spec.kind === 'host') return net;
  const inner = nsPids(outer).find((p) => sameFile(`${root}/proc/${p}/ns/net`, net));
  if (inner === undefined)
    throw new UserError(
      `Process ${outer} cannot be seen from inside ${formatSpec(spec)}, so its network cannot be entered from there.`,
      'Name the outside world by a process of the same sandbox, or by a netns name inside it.',
    );
  return `/proc/${inner}/ns/net`;
}

/** Finds (or, for labs when allowed, creates) the target; `newLab` says how to create a missing lab. */
export async function openTarget(
  target: TargetSpec,
  options: { create: boolean; allowHost: boolean; newLab?: CreateLabOptions; outside?: string },
): Promise<Target> {
  const spec = localSpec(target, 'This command');
  const label = formatSpec(spec);
  const outside = (): string | null => (options.outside === undefined ? null : resolveOutside(spec, options.outside));
  if (spec.kind === 'lab') outside();
  if (spec.kind === 'host') {
    if (!options.allowHost)
      throw new UserError(
        '--target host changes the real network of this machine.',
        'It is only done when asked for explicitly with --target host; use a lab (the default) to practise safely.',
      );
    if (!isRoot())
      throw new UserError(
        '--target host needs root.',
        'Run it as root (sudo tsnet-learn …), or use a lab (the default), which needs no root.',
      );
    const outsideNs = outside();
    return {
      spec,
      label,
      argv: [],
      jobsDir: '/run/tsnet-learn/jobs',
      hasOutside: outsideNs !== null,
      outsideNs,
      fresh: false,
      lab: null,
    };
  }
  if (spec.kind === 'pid') {
    const problem = pidProblem(spec.pid, label);
    if (problem) throw problem;
    if (!isRoot()) throw new UserError(`--target ${label} needs root to enter another process's namespaces.`);
    const outsideNs = outside();
    // The pid namespace too, so /proc/net inside it is that network's (a sandbox mounts its own /proc).
    return {
      spec,
      label,
      argv: ['nsenter', '-t', String(spec.pid), '--net', '--mount', '--pid', '--'],
      jobsDir: null,
      hasOutside: outsideNs !== null,
      outsideNs,
      fresh: false,
      lab: null,
    };
  }
  let lab = findLab(spec.name);
  let fresh = false;
  if (!lab) {
    if (!options.create)
      throw new UserError(`No lab named "${spec.name}".`, `Create it with: tsnet-learn lab create ${spec.name}`);
    lab = await createLab(spec.name, options.newLab);
    fresh = true;
  }
  return labTarget(lab, fresh);
}
