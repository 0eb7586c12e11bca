// One creator per lab name at a time: two `lab create x` (or two runs into a new lab x) at once would
// otherwise both build a lab, and the one whose record is overwritten would live on, lost. And one
// command that changes a lab (or, with --target host or pid:PID, this machine or a process's network) at
// a time: two runs typing into the same network would mix their steps.
import { mkdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { startTimeOf } from '../exec/processStat.js';
import { stateDir } from './labStore.js';

// Beside labs/, not in it: whatever reads labs/ finds only records.
function locksDir(): string {
  return join(stateDir(), 'locks');
}

function lockFile(name: string, kind: 'lock' | 'busy' = 'lock'): string {
  return join(locksDir(), `${name}.${kind}`);
}

interface Holder {
  pid: number;
  /** What it runs, e.g. `tsnet-learn run lesson-7`; empty for a creator. */
  command: string;
}

/** Takes the lock, or returns the live process that holds it. A dead holder's lock is taken over. */
function tryLock(file: string, command = ''): Holder | null {
  const me = `${process.pid} ${startTimeOf(process.pid) ?? ''} ${command}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      mkdirSync(locksDir(), { recursive: true, mode: 0o700 });
      writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
      return null;
    } catch (e) {
      // Another creator released its lock and removed the emptied directory in between: make it again.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid: number; start: string; command: string } | null = null;
    try {
      const [pid, start, ...rest] = readFileSync(file, 'utf8').trim().split(' ');
      holder = { pid: Number(pid), start: start ?? '', command: rest.join(' ') };
    } catch {
      continue; // released in between: try again
    }
    // The start time tells a live holder from a recycled pid.
    if (holder.pid > 0 && startTimeOf(holder.pid) === holder.start) return { pid: holder.pid, command: holder.command };
    rmSync(file, { force: true });
  }
  return { pid: -1, command: '' };
}

const held = new Set<string>();
let exitHookInstalled = false;

/** Leaves no empty directories behind, as removeRecord does. */
function removeEmptyDirs(): void {
  for (const dir of [locksDir(), stateDir()]) {
    try {
      rmdirSync(dir);
    } catch {
      break;
    }
  }
}

/**
 * Waits (up to `waitMs`) for the lock on creating lab `name` and returns its release. A process that
 * exits, also through a signal handler's process.exit, releases its locks; one killed leaves a lock
 * that the next creator takes over.
 */
export async function lockLab(name: string, waitMs = 15_000): Promise<() => void> {
  const file = lockFile(name);
  let holder = tryLock(file);
  for (const started = Date.now(); holder !== null && Date.now() - started < waitMs; holder = tryLock(file)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (holder !== null) {
    throw new UserError(
      `Lab "${name}" is being created by another tsnet-learn${holder.pid > 0 ? ` (pid ${holder.pid})` : ''}, which has not finished.`,
      'Wait for it, or stop that process; then try again.',
    );
  }
  return hold(file);
}

/**
 * Claims lab `name` for a command that changes it (`run`, `learn`), whether or not the lab exists yet,
 * and returns the release. Another such command in it now is refused at once, naming that command:
 * waiting would leave a learner staring at nothing. Grading and pictures only read, and claim nothing.
 */
export function claimLab(name: string, command: string): () => void {
  return claim(
    lockFile(name, 'busy'),
    command,
    (by) =>
      new UserError(
        `Lab "${name}" is in use${by}: two commands changing one lab at once would mix their steps.`,
        `Wait for it to finish, or use another lab: --target lab:OTHER. Reading it is fine meanwhile: tsnet-learn check … --target lab:${name}`,
      ),
  );
}

/**
 * Claims this machine's network for `run --target host` or `reset --target host`, as claimLab does a
 * lab: two of them at once would mix their steps, and the record of what reset must undo would lose
 * one of them. (`@` starts no lab name.)
 */
export function claimHost(command: string): () => void {
  return claim(
    lockFile('@host', 'busy'),
    command,
    (by) =>
      new UserError(
        `This machine's network is being changed${by}: two commands changing it at once would mix their steps, and lose track of what reset must undo.`,
        'Wait for it to finish, or stop it (it records what it changed when interrupted); then try again. Reading is fine meanwhile: tsnet-learn check … --target host',
      ),
  );
}

/**
 * Claims the network of process `pid` for `run --target pid:PID`, as claimLab does a lab. Keyed by the
 * network namespace, so two processes inside one sandbox share one claim. A process that cannot be
 * looked at (gone, or not ours) gets no claim: opening the target says why.
 */
export function claimNetworkOf(pid: number, command: string): () => void {
  let net: string;
  try {
    net = readlinkSync(`/proc/${pid}/ns/net`).replace(/\D/g, '');
  } catch {
    return () => undefined;
  }
  return claim(
    lockFile(`@net-${net}`, 'busy'),
    command,
    (by) =>
      new UserError(
        `The network of process ${pid} is being changed${by}: two commands changing it at once would mix their steps.`,
        `Wait for it to finish; then try again. Reading it is fine meanwhile: tsnet-learn check … --target pid:${pid}`,
      ),
  );
}

/** Takes the claim file at once, or throws `refuse(" by `command` (pid N)")` naming the live holder. */
function claim(file: string, command: string, refuse: (by: string) => UserError): () => void {
  const holder = tryLock(file, command);
  if (holder !== null)
    throw refuse(`${holder.command ? ` by \`${holder.command}\`` : ''}${holder.pid > 0 ? ` (pid ${holder.pid})` : ''}`);
  return hold(file);
}

function hold(file: string): () => void {
  held.add(file);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const f of held) rmSync(f, { force: true });
      if (held.size) removeEmptyDirs();
    });
  }
  return () => {
    held.delete(file);
    rmSync(file, { force: true });
    removeEmptyDirs();
  };
}
