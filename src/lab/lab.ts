// Creating, entering and destroying labs: net+mount+pid namespaces (+user when not root) holding the tutorial's world.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { assertUserNamespaces } from '../preflight.js';
import { lockLab } from './labLock.js';
import { isAlive, readRecord, removeRecord, startTimeOf, validateLabName, writeRecord, type LabRecord } from './labStore.js';
import { labInitScript } from './labWorld.js';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** argv that runs a program inside the lab (nsenter into its init's namespaces). */
export function enterArgv(r: LabRecord): string[] {
  return ['nsenter', '-t', String(r.initPid), ...(r.rootless ? ['--user', '--preserve-credentials'] : []), '--net', '--mount', '--pid', '--'];
}

function childOf(pid: number): number | null {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : null;
  } catch {
    return null;
  }
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
    return new UserError(`Cannot create a lab: ${text}`, 'Install the missing tools: apt-get install -y iproute2 util-linux iptables iputils-ping curl python3');
  }
  return new UserError(`Cannot create a lab: ${text}`);
}

/** Holders of labs still being built (no record yet): a signal handler must kill these too. */
export const labsBeingBuilt = new Set<number>();

/** Starts a lab's holder process and waits until its world is built; one creator per name at a time. */
export async function createLab(name: string): Promise<LabRecord> {
  validateLabName(name);
  // Without root a lab needs a user namespace: say which setting forbids it before trying.
  if (!isRoot()) assertUserNamespaces();
  const release = await lockLab(name);
  try {
    return await buildLab(name);
  } finally {
    release();
  }
}

async function buildLab(name: string): Promise<LabRecord> {
  validateLabName(name);
  const existing = readRecord(name);
  if (existing && isAlive(existing)) throw new UserError(`Lab "${name}" already exists (pid ${existing.initPid}).`, `Use it, or remove it first: tsnet-learn lab destroy ${name}`);
  if (existing) removeRecord(name);
  const rootless = !isRoot();
  const args = [...(rootless ? ['--user', '--map-root-user'] : []), '--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', 'bash', '-c', labInitScript()];
  // Detached: the lab outlives this CLI invocation until `lab destroy`.
  const holder = spawn('unshare', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (holder.pid) labsBeingBuilt.add(holder.pid);
  let stdout = '';
  let stderr = '';
  holder.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  holder.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    holder.stdout.on('data', () => stdout.includes('ready\n') && (clearTimeout(timer), resolve(true)));
    holder.on('error', (e) => ((stderr += e.message), clearTimeout(timer), resolve(false)));
    holder.on('exit', () => (clearTimeout(timer), resolve(stdout.includes('ready\n'))));
  });
  const initPid = holder.pid ? childOf(holder.pid) : null;
  const initStartTime = initPid ? startTimeOf(initPid) : null;
  if (!ready || !initPid || !initStartTime || !holder.pid) {
    if (initPid) killQuietly(initPid);
    holder.kill('SIGKILL');
    if (holder.pid) labsBeingBuilt.delete(holder.pid);
    throw explainUnshareFailure(stderr, rootless);
  }
  holder.stdout.destroy();
  holder.stderr.destroy();
  holder.unref();
  const record: LabRecord = { name, holderPid: holder.pid, initPid, initStartTime, rootless, uid: process.getuid?.() ?? 0, createdAt: new Date().toISOString() };
  writeRecord(record);
  labsBeingBuilt.delete(holder.pid);
  return record;
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
  const r = readRecord(name);
  if (!r) return 'missing';
  const alive = isAlive(r);
  if (alive) {
    killQuietly(r.initPid);
    // Wait until the kernel has torn it down, so "destroyed" means gone.
    for (let i = 0; i < 200 && startTimeOf(r.initPid) === r.initStartTime; i++) await new Promise((res) => setTimeout(res, 10));
  }
  removeRecord(name);
  return alive ? 'destroyed' : 'stale';
}

/**
 * For signal handlers: kill the given labs and every lab still being built, synchronously, and wait
 * (at most 2 s) until the kernel has torn them down. Nothing asynchronous can run in between, so no
 * half-built lab's failure can race the exit.
 */
export function destroyLabsNow(names: readonly string[]): void {
  for (const pid of labsBeingBuilt) killQuietly(pid);
  const records = names.map((n) => readRecord(n)).filter((r): r is LabRecord => r !== null);
  for (const r of records) killQuietly(r.initPid);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200 && records.some((r) => isAlive(r)); i++) Atomics.wait(pause, 0, 0, 10);
  for (const r of records) removeRecord(r.name);
}

/** The live lab called `name`, or null. */
export function findLab(name: string): LabRecord | null {
  const r = readRecord(name);
  return r && isAlive(r) ? r : null;
}
