// Ending a process together with what it started: ssh's ProxyCommand is ssh's child, and a kill of ssh
// alone would leave it running (and holding ssh's stderr open). Linux: /proc lists each task's children.
import { readdirSync, readFileSync } from 'node:fs';
import { startTimeOf } from './processStat.js';

/** The process and every process under it, by depth: [[pid], [its children], [their children], …]. */
export function processTree(pid: number): number[][] {
  const levels: number[][] = [];
  const seen = new Set<number>();
  let level = [pid];
  while (level.length) {
    levels.push(level);
    for (const p of level) seen.add(p);
    level = level.flatMap((p) => childrenOf(p)).filter((c) => !seen.has(c));
  }
  return levels;
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((t) => {
    try {
      return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // The task ended meanwhile.
      return [];
    }
  });
}

function send(pids: readonly { pid: number; start: string | null }[], signal: NodeJS.Signals): void {
  for (const p of pids) {
    if (p.start === null || startTimeOf(p.pid) !== p.start) continue;
    try {
      process.kill(p.pid, signal);
    } catch {
      // Ended already.
    }
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Ends the process and everything under it. For up to `graceMs`, SIGTERM to the leaves alone (the command
 * that hangs, then the next one): a shell above them carries on to the end of its input and runs its exit
 * trap, and the process ends by itself. Then SIGTERM to whatever is left, and SIGKILL.
 */
export async function endTree(pid: number, graceMs: number): Promise<void> {
  const root = startTimeOf(pid);
  const stamped = (pids: number[]) => pids.map((p) => ({ pid: p, start: startTimeOf(p) }));
  for (let waited = 0; waited < graceMs && startTimeOf(pid) === root; waited += 50) {
    const leaves = processTree(pid)
      .flat()
      .filter((p) => p !== pid && childrenOf(p).length === 0);
    send(stamped(leaves), 'SIGTERM');
    await pause(50);
  }
  const rest = startTimeOf(pid) === root ? stamped(processTree(pid).flat()) : [];
  send(rest, 'SIGTERM');
  await pause(200);
  send(rest, 'SIGKILL');
}

/** SIGTERM to the whole tree at once, for an exit that cannot wait. */
export function terminateTree(pid: number): void {
  send(
    processTree(pid)
      .flat()
      .map((p) => ({ pid: p, start: startTimeOf(p) })),
    'SIGTERM',
  );
}
