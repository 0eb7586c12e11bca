// One creator per lab name at a time: two `lab create x` (or two runs into a new lab x) at once would
// otherwise both build a lab, and the one whose record is overwritten would live on, lost.
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { startTimeOf, stateDir } from './labStore.js';

// Beside labs/, not in it: whatever reads labs/ finds only records.
function locksDir(): string {
  return join(stateDir(), 'locks');
}

function lockFile(name: string): string {
  return join(locksDir(), `${name}.lock`);
}

/** Takes the lock, or returns the pid of the live process that holds it. A dead holder's lock is taken over. */
function tryLock(name: string): number | null {
  const file = lockFile(name);
  const me = `${process.pid} ${startTimeOf(process.pid) ?? ''}\n`;
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
    let holder: { pid: number; start: string } | null = null;
    try {
      const [pid, start] = readFileSync(file, 'utf8').trim().split(' ');
      holder = { pid: Number(pid), start: start ?? '' };
    } catch {
      continue; // released in between: try again
    }
    // The start time tells a live holder from a recycled pid.
    if (holder.pid > 0 && startTimeOf(holder.pid) === holder.start) return holder.pid;
    rmSync(file, { force: true });
  }
  return -1;
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
  let holder = tryLock(name);
  for (const started = Date.now(); holder !== null && Date.now() - started < waitMs; holder = tryLock(name)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (holder !== null) {
    throw new UserError(
      `Lab "${name}" is being created by another tsnet-learn${holder > 0 ? ` (pid ${holder})` : ''}, which has not finished.`,
      'Wait for it, or stop that process; then try again.',
    );
  }
  const file = lockFile(name);
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
