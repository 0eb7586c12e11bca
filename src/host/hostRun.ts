// A run on this machine's real network: preflight before anything is touched, then everything the run
// changes is recorded (also when it fails, is interrupted, or is killed: the next command completes it).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { chainFootprint } from '../lesson/chainFootprint.js';
import { UserError } from '../core/errors.js';
import { gatherHostFacts } from './hostFacts.js';
import { formatConflicts, hostConflicts } from './hostPreflight.js';
import { finishPending, isEmptyRecord, summarizeRecord, type HostRecord, type RecordedDir } from './hostRecord.js';
import { hostRecordPath, readHostRecord, removeHostRecord, writeHostRecord } from './hostRecordFile.js';
import { takeHostSnapshot } from './hostSnapshot.js';
import { startTimeOf } from '../exec/processStat.js';
import type { Lesson } from '../lesson/lesson.js';
import type { RunEvent } from '../run/runReport.js';

export interface HostRun {
  /** Notes the background jobs the run starts, as they start. */
  onEvent(e: RunEvent): void;
  /** Records what changed; returns the lines that tell the user. Runs once. */
  finish(): string[];
}

function save(r: HostRecord): void {
  if (isEmptyRecord(r)) removeHostRecord();
  else writeHostRecord(r);
}

/** The record with an earlier run that never finished (killed) completed against the state now. */
export function settledRecord(): HostRecord {
  const record = readHostRecord();
  const p = record.pending;
  if (!p) return record;
  if (p.pid !== process.pid && startTimeOf(p.pid) === p.startTime) {
    throw new UserError(
      `Another tsnet-learn run --target host is still running (pid ${p.pid}, since ${p.startedAt}).`,
      'Wait for it to end, or stop it (it records what it changed when interrupted).',
    );
  }
  const settled = finishPending(
    record,
    takeHostSnapshot(p.sysctls),
    p.newDirs.map((d) => d.path).filter((d) => existsSync(d)),
  );
  save(settled);
  return settled;
}

/** The jobs directory and its parents that do not exist yet, deepest first. */
function missingDirs(dir: string): RecordedDir[] {
  const out: RecordedDir[] = [];
  for (let d = dir; d !== dirname(d) && !existsSync(d); d = dirname(d)) out.push({ path: d, withContents: d === dir });
  return out;
}

export function startHostRun(chain: readonly Lesson[], jobsDir: string): HostRun {
  let record = settledRecord();
  const fp = chainFootprint(chain);
  const sysctls = [...new Set([...fp.sysctls, ...record.sysctls.map((s) => s.key)])];
  const before = takeHostSnapshot(sysctls);
  const conflicts = hostConflicts(fp, before, gatherHostFacts(fp), record);
  if (conflicts.length > 0) {
    throw new UserError(
      `Not running on this machine: ${conflicts.length === 1 ? 'a conflict' : `${conflicts.length} conflicts`} with what the lessons create. Nothing was changed.`,
      formatConflicts(conflicts),
    );
  }
  record.pending = {
    pid: process.pid,
    startTime: startTimeOf(process.pid) ?? '',
    lesson: chain.at(-1)!.id,
    startedAt: new Date().toISOString(),
    before,
    sysctls,
    newDirs: missingDirs(jobsDir),
  };
  writeHostRecord(record);

  let done = false;
  const finish = (): string[] => {
    if (done) return [];
    done = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onSignal);
    const p = record.pending!;
    record = finishPending(
      record,
      takeHostSnapshot(p.sysctls),
      p.newDirs.map((d) => d.path).filter((d) => existsSync(d)),
    );
    save(record);
    if (isEmptyRecord(record)) return ['Nothing on this machine was changed.'];
    return [
      `What tsnet-learn changed on this machine is recorded in ${hostRecordPath()}:`,
      ...summarizeRecord(record).map((l) => `  ${l}`),
      'Undo all of it, and nothing else, with: tsnet-learn reset --target host',
    ];
  };
  // Runs before the command's own handler (which exits): record first, synchronously.
  const onSignal = (sig: NodeJS.Signals): void => {
    const lines = finish();
    process.stderr.write(`\ntsnet-learn: interrupted on the host. ${lines.join('\n')}\n`);
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.prependOnceListener(sig, onSignal);

  return {
    onEvent(e) {
      if (e.type !== 'command-end') return;
      const m = /started in the background \(pid (\d+)\)/.exec(e.command.stdout);
      if (!m) return;
      const pid = Number(m[1]);
      record.processes.push({ pid, startTime: startTimeOf(pid) ?? '', line: e.command.line });
      writeHostRecord(record);
    },
    finish,
  };
}
