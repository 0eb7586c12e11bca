// Ending a process together with what it started: ssh's ProxyCommand is ssh's child, and a SIGKILL to ssh
// alone would leave it running (and holding ssh's stderr open). Linux: /proc lists each task's children.
import { readdirSync, readFileSync } from 'node:fs';

/** The process and every process under it, parents before children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number): void => {
    out.push(p);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/))
          if (c && !out.includes(Number(c))) visit(Number(c));
      } catch {
        // The task ended meanwhile.
      }
    }
  };
  visit(pid);
  return out;
}

/** SIGKILL to the process and everything under it; those that ended already are skipped. */
export function killTree(pid: number): void {
  // Read the whole tree first: once the parent dies, its children are re-parented and out of reach.
  for (const p of processTree(pid)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Ended already.
    }
  }
}
