// Where the host record lives: one file in the root state directory, written atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { emptyRecord, type HostRecord } from './hostRecord.js';
import { stateDir } from '../lab/labStore.js';

export function hostRecordPath(): string {
  return join(stateDir(), 'host-record.json');
}

/** The record, or an empty one when there is none. A damaged file is an error, never silently dropped. */
export function readHostRecord(): HostRecord {
  const file = hostRecordPath();
  if (!existsSync(file)) return emptyRecord();
  try {
    return { ...emptyRecord(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<HostRecord>) };
  } catch (e) {
    throw new UserError(
      `Cannot read ${file}: ${(e as Error).message}.`,
      'It lists what tsnet-learn changed on this machine; fix or remove it by hand.',
    );
  }
}

export function writeHostRecord(r: HostRecord): void {
  const file = hostRecordPath();
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(r, null, 1)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeHostRecord(): void {
  rmSync(hostRecordPath(), { force: true });
  try {
    rmdirSync(stateDir());
  } catch {
    // Not empty (labs) or not there: either is fine.
  }
}
