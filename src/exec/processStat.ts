// Who a pid is now: its start time tells a process from a later one that got the same pid. Linux /proc.
import { readFileSync } from 'node:fs';

export interface ProcessStat {
  /** Field 3: R, S, D, … Z (a zombie, ended but not yet waited for), X (dead). */
  state: string;
  /** Field 22 (starttime), in clock ticks since boot. */
  startTime: string;
}

/** What /proc/PID/stat says of the process, or null when there is none. */
export function processStat(pid: number): ProcessStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses; the fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = fields[19];
  return fields[0] && startTime ? { state: fields[0], startTime } : null;
}

/** Field 22 (starttime) of /proc/PID/stat, or null when the process is gone. */
export function startTimeOf(pid: number): string | null {
  return processStat(pid)?.startTime ?? null;
}
