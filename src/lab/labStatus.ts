// What `lab list` says about each lab record, and which records `lab prune` may remove.
import { startTimeOf } from '../exec/processStat.js';
import { isAlive, type LabRecord } from './labStore.js';

/**
 * running: a lab to keep (made by `lab create`, or kept by `run`); in-use: a live `run` or `test`
 * owns it and removes it when done; orphaned: its creator was killed before it could; stale: the lab
 * is gone but its record is not.
 */
export type LabStatus = 'running' | 'in-use' | 'orphaned' | 'stale';

/** Pure: the status from whether the lab and its creator still run. */
export function labStatus(r: LabRecord, alive: boolean, creatorAlive: boolean): LabStatus {
  if (r.ephemeral && !creatorAlive) return 'orphaned';
  if (!alive) return 'stale';
  return r.ephemeral ? 'in-use' : 'running';
}

export function creatorIsAlive(r: LabRecord): boolean {
  return r.creator !== undefined && startTimeOf(r.creator.pid) === r.creator.startTime;
}

export function currentStatus(r: LabRecord): LabStatus {
  return labStatus(r, isAlive(r), creatorIsAlive(r));
}

/** The first line of `lab list`, over the columns describeLab prints. */
export const LAB_LIST_HEADER = `${'NAME'.padEnd(16)} STATUS`;

/** One lab of `lab list --format json`. Pure. */
export function labJson(
  r: LabRecord,
  status: LabStatus,
): {
  name: string;
  status: LabStatus;
  pid: number;
  rootless: boolean;
  createdAt: string;
  creator: { pid: number; command: string } | null;
} {
  return {
    name: r.name,
    status,
    pid: r.initPid,
    rootless: r.rootless,
    createdAt: r.createdAt,
    creator: r.creator ? { pid: r.creator.pid, command: `tsnet-learn ${r.creator.command}` } : null,
  };
}

/** Pure: one line of `lab list`. */
export function describeLab(r: LabRecord, status: LabStatus, alive: boolean): string {
  const by = r.creator ? `\`tsnet-learn ${r.creator.command}\` (pid ${r.creator.pid})` : 'an earlier tsnet-learn';
  const what = {
    running: `running  pid ${r.initPid}${r.rootless ? '  rootless' : ''}  since ${r.createdAt}${r.creator && r.creator.command !== 'lab create' ? `  made by \`tsnet-learn ${r.creator.command}\`` : ''}`,
    'in-use': `in use   by ${by}, which removes it when it ends`,
    orphaned: alive
      ? `orphaned: ${by} was killed and left it running; \`tsnet-learn lab destroy ${r.name}\` removes it`
      : `orphaned: ${by} was killed, and the lab ended with it; \`tsnet-learn lab destroy ${r.name}\` removes the record`,
    stale: `gone (stale record; \`tsnet-learn lab destroy ${r.name}\` removes it)`,
  }[status];
  return `${r.name.padEnd(16)} ${what}`;
}

/** Records `lab prune` removes: every orphaned or stale lab, never one a learner or a live run owns. */
export function prunable(status: LabStatus): boolean {
  return status === 'orphaned' || status === 'stale';
}
