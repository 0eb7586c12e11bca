// Creating, entering and destroying labs: net+mount+pid namespaces (+user when not root) holding the tutorial's world.
import type { Writable } from 'node:stream';
import { UserError } from '../core/errors.js';
import { assertUserNamespaces } from '../exec/preflight.js';
import { processStat, startTimeOf } from '../exec/processStat.js';
import { lockLab } from './labLock.js';
import { isAlive, readRecord, removeRecord, validateLabName, writeRecord, type LabRecord } from './labStore.js';
import { labInitScript } from './labWorld.js';
import { childOf, startSandbox, untilReady } from './startSandbox.js';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** argv that runs a program inside the lab (nsenter into its init's namespaces). */
export function enterArgv(r: LabRecord): string[] {
  return [
    'nsenter',
    '-t',
    String(r.initPid),
    ...(r.rootless ? ['--user', '--preserve-credentials'] : []),
    '--net',
    '--mount',
    '--pid',
    '--',
  ];
}

function explainUnshareFailure(stderr: string, rootless: boolean): UserError {
  const text = stderr.trim() || 'unshare exited without a message';
  if (rootless && /Operation not permitted|Permission denied|No space left/.test(text)) {
    return new UserError(
      `Cannot create a lab: user namespaces are not available to this user (${text}).`,
      'Enable them (as root): sysctl -w kernel.unprivileged_userns_clone=1 (Debian) or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu),\nor check user.max_user_namespaces > 0; or run tsnet-learn as root.',
    );
  }
  if (/command not found|No such file/.test(text)) {
    return new UserError(
      `Cannot create a lab: ${text}`,
      'Install the missing tools: apt-get install -y iproute2 util-linux iptables iputils-ping curl python3',
    );
  }
  return new UserError(`Cannot create a lab: ${text}`);
}

/** Holders of labs still being built (no record yet): a signal handler must kill these too. */
const labsBeingBuilt = new Set<number>();

export interface CreateLabOptions {
  /** The lab ends with this process, however it ends (even SIGKILL), until releaseLab. */
  ephemeral?: boolean;
  /** What made it, as `lab list` shows it: "run lesson-7", "test lesson-3". */
  command?: string;
}

/** Labs this process made and has not destroyed, with the pipe that keeps an ephemeral one alive. */
const ownLabs = new Map<string, { record: LabRecord; lifeline: Writable | null }>();

/** Starts a lab's holder process and waits until its world is built; one creator per name at a time. */
export async function createLab(name: string, options: CreateLabOptions = {}): Promise<LabRecord> {
  validateLabName(name);
  // Without root a lab needs a user namespace: say which setting forbids it before trying.
  if (!isRoot()) assertUserNamespaces();
  const release = await lockLab(name);
  try {
    return await buildLab(name, options);
  } finally {
    release();
  }
}

async function buildLab(name: string, options: CreateLabOptions): Promise<LabRecord> {
  validateLabName(name);
  const existing = readRecord(name);
  if (existing && isAlive(existing))
    throw new UserError(
      `Lab "${name}" already exists (pid ${existing.initPid}).`,
      `Use it, or remove it first: tsnet-learn lab destroy ${name}`,
    );
  if (existing) removeRecord(name);
  const rootless = !isRoot();
  const ephemeral = Boolean(options.ephemeral);
  const script = labInitScript({ diesWithCreator: ephemeral });
  // Detached: the lab outlives this CLI invocation until `lab destroy`, unless it is ephemeral: then
  // its stdin is a pipe only this process holds (its lifeline), and it ends when that pipe closes.
  const holder = startSandbox(['-c', script], { rootless, detached: true });
  if (holder.pid) labsBeingBuilt.add(holder.pid);
  holder.stdin.on('error', () => undefined);
  if (!ephemeral) holder.stdin.destroy();
  // Generous: on a loaded machine (twenty labs at once) starting the outside's server takes seconds.
  const { ready, initPid, stderr } = await untilReady(holder, 30_000);
  const initStartTime = initPid ? startTimeOf(initPid) : null;
  if (!ready || !initPid || !initStartTime || !holder.pid) {
    if (initPid) killQuietly(initPid);
    holder.kill('SIGKILL');
    holder.stdin.destroy();
    if (holder.pid) labsBeingBuilt.delete(holder.pid);
    throw explainUnshareFailure(stderr, rootless);
  }
  holder.stdout.destroy();
  holder.stderr.destroy();
  // The lifeline must not keep this process running: it is meant to close when the process ends.
  (holder.stdin as Writable & { unref?: () => void }).unref?.();
  holder.unref();
  const creator = {
    pid: process.pid,
    startTime: startTimeOf(process.pid) ?? '',
    command: options.command ?? 'lab create',
  };
  const record: LabRecord = {
    name,
    holderPid: holder.pid,
    initPid,
    initStartTime,
    rootless,
    uid: process.getuid?.() ?? 0,
    createdAt: new Date().toISOString(),
    creator,
    ephemeral,
  };
  writeRecord(record);
  ownLabs.set(name, { record, lifeline: ephemeral ? holder.stdin : null });
  labsBeingBuilt.delete(holder.pid);
  return record;
}

/** An ephemeral lab of this process stays after all: a run that got to its report keeps its lab. */
export async function releaseLab(name: string): Promise<void> {
  const mine = ownLabs.get(name);
  if (!mine?.lifeline || !mine.record.ephemeral) return;
  const lifeline = mine.lifeline;
  // "keep" first, then the record: a kill in between leaves a live lab shown as orphaned, never a lost one.
  await new Promise<void>((resolve) => {
    lifeline.once('error', () => resolve());
    lifeline.end('keep\n', () => resolve());
  });
  mine.record = { ...mine.record, ephemeral: false };
  mine.lifeline = null;
  writeRecord(mine.record);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** SIGKILL to the lab's init takes every process and namespace of the lab with it. */
export async function destroyLab(name: string): Promise<'destroyed' | 'stale' | 'missing'> {
  validateLabName(name);
  const mine = ownLabs.get(name);
  ownLabs.delete(name);
  mine?.lifeline?.destroy();
  const r = readRecord(name);
  if (!r) return 'missing';
  const alive = isAlive(r);
  if (alive) {
    killQuietly(r.initPid);
    // Wait until the kernel has torn it down, so "destroyed" means gone.
    for (let i = 0; i < 200 && startTimeOf(r.initPid) === r.initStartTime; i++)
      await new Promise((res) => setTimeout(res, 10));
  }
  removeRecord(name);
  return alive ? 'destroyed' : 'stale';
}

/** Gone, or a zombie: a lab's init in that state has taken every process of its namespace with it. */
function ended(pid: number, startTime: string | null): boolean {
  const stat = processStat(pid);
  return !stat || stat.startTime !== startTime || stat.state === 'Z' || stat.state === 'X';
}

/**
 * For signal handlers, synchronously: kill every lab still being built and every ephemeral lab of this
 * process, and wait (at most 2 s) until the kernel has torn them down. Nothing asynchronous runs in
 * between, so no half-built lab's failure can race the exit. Labs made without `ephemeral` stay.
 */
export function interruptLabs(): { destroyed: string[]; kept: string[] } {
  const doomed: { pid: number; startTime: string | null }[] = [];
  for (const holder of labsBeingBuilt) {
    const init = childOf(holder);
    if (init) doomed.push({ pid: init, startTime: startTimeOf(init) });
    killQuietly(holder);
    if (init) killQuietly(init);
  }
  const destroyed: string[] = [];
  const kept: string[] = [];
  for (const { record: r } of ownLabs.values()) {
    if (!r.ephemeral) {
      if (isAlive(r)) kept.push(r.name);
      continue;
    }
    killQuietly(r.initPid);
    doomed.push({ pid: r.initPid, startTime: r.initStartTime });
    destroyed.push(r.name);
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200 && doomed.some((d) => !ended(d.pid, d.startTime)); i++) Atomics.wait(pause, 0, 0, 10);
  for (const name of destroyed) {
    removeRecord(name);
    ownLabs.delete(name);
  }
  return { destroyed, kept };
}

/** The live lab called `name`, or null. */
export function findLab(name: string): LabRecord | null {
  const r = readRecord(name);
  return r && isAlive(r) ? r : null;
}
