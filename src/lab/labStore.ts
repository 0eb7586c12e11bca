// Lab records on disk: where a lab's holder process is, so later invocations can enter it.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { startTimeOf } from '../exec/processStat.js';
import { compareText } from '../core/compareText.js';
import { UserError } from '../core/errors.js';

export interface LabRecord {
  name: string;
  /** The `unshare` process that created the namespaces (parent of init). */
  holderPid: number;
  /** pid 1 of the lab, as the host sees it: what nsenter -t enters and what destroy kills. */
  initPid: number;
  /** Field 22 of /proc/PID/stat, so a recycled pid is not mistaken for the lab. */
  initStartTime: string;
  rootless: boolean;
  uid: number;
  createdAt: string;
  /** The invocation that made the lab (records written by older versions lack it). */
  creator?: { pid: number; startTime: string; command: string };
  /** The lab dies with its creator (see labInitScript) until the creator releases it. */
  ephemeral?: boolean;
}

/** $TSNET_STATE_DIR, or /run/tsnet-learn for root, or $XDG_RUNTIME_DIR/tsnet-learn, or /tmp/tsnet-learn-UID. */
export function stateDir(): string {
  if (process.env.TSNET_STATE_DIR) return process.env.TSNET_STATE_DIR;
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return '/run/tsnet-learn';
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'tsnet-learn');
  return `/tmp/tsnet-learn-${uid}`;
}

function labsDir(): string {
  return join(stateDir(), 'labs');
}

export function validateLabName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(name)) {
    throw new UserError(
      `Invalid lab name "${name}".`,
      'A lab name is 1 to 32 lowercase letters, digits, "-" or "_", starting with a letter or digit.',
    );
  }
  return name;
}

export function readRecord(name: string): LabRecord | null {
  const file = join(labsDir(), `${name}.json`);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabRecord;
  } catch {
    return null;
  }
}

export function writeRecord(r: LabRecord): void {
  mkdirSync(labsDir(), { recursive: true, mode: 0o700 });
  const file = join(labsDir(), `${r.name}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeRecord(name: string): void {
  rmSync(join(labsDir(), `${name}.json`), { force: true });
  // Leave no empty directories behind either.
  for (const dir of [labsDir(), stateDir()]) {
    try {
      rmdirSync(dir);
    } catch {
      break;
    }
  }
}

export function listRecords(): LabRecord[] {
  if (!existsSync(labsDir())) return [];
  return readdirSync(labsDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => readRecord(f.slice(0, -5)))
    .filter((r): r is LabRecord => r !== null)
    .sort((a, b) => compareText(a.name, b.name));
}

export function isAlive(r: LabRecord): boolean {
  return startTimeOf(r.initPid) === r.initStartTime;
}
