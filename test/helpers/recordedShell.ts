// A Shell that plays a captured lab back: the snapshot script gets a captured output, probes get a
// recorded ping or curl answer chosen by the test. No process runs, no traffic is sent.
import { readFileSync } from 'node:fs';
import type { ExecResult, Shell } from '../../src/target/shell.js';
import { nsPath } from '../../src/snapshot/snapshotScript.js';
import type { Target } from '../../src/target/target.js';

const PING_REPLY = readFileSync(new URL('../fixtures/ping/ping-success-q.txt', import.meta.url), 'utf8');
const PING_SILENCE = readFileSync(new URL('../fixtures/ping/ping-100-loss.txt', import.meta.url), 'utf8');
const PAGE = readFileSync(new URL('../fixtures/http/http-server-listing.html', import.meta.url), 'utf8');

/** Decides, per probe line (`nsenter --net=… ping -c 1 … 172.18.0.20`), whether the traffic gets through. */
export type Reach = (probeLine: string) => boolean;

export interface RecordedShell extends Shell {
  /** Every line sent, in order. */
  lines: string[];
  /** The captured output the next snapshot gets: set it to play "the learner typed a command". */
  snapshot: string;
}

/** The sections of a captured output that a snapshot script reads: a namespace it does not name is not there. */
function sectionsAskedFor(captured: string, script: string): string {
  const sections = captured.split(/(?=\n@@tsnet )/);
  return sections
    .filter((s) => {
      const ns = /^\n@@tsnet \S+ (\S+)/.exec(s)?.[1];
      if (!ns) return true;
      const path = nsPath(ns);
      return path === null || ns === '-' || script.includes(path);
    })
    .join('');
}

export function recordedShell(snapshot: string, reach: Reach = () => true): RecordedShell {
  const lines: string[] = [];
  const answer = (line: string): { exitCode: number; output: string } => {
    const ok = reach(line);
    if (/\bping\b/.test(line)) return ok ? { exitCode: 0, output: PING_REPLY } : { exitCode: 1, output: PING_SILENCE };
    // The lab's outside server tells each client its address: the lab host's, once masqueraded.
    const body = line.includes('203.0.113.1') ? 'you are 172.16.0.2\n' : PAGE;
    if (/\bcurl\b/.test(line))
      return ok ? { exitCode: 0, output: `${body}\n200` } : { exitCode: 7, output: 'curl: (7) Failed to connect\n000' };
    throw new Error(`unexpected probe: ${line}`);
  };
  const shell: RecordedShell = {
    lines,
    snapshot,
    async exec(line): Promise<ExecResult> {
      lines.push(line);
      if (!line.includes('@@tsnet')) throw new Error(`unexpected command: ${line}`);
      return { line, exitCode: 0, stdout: sectionsAskedFor(shell.snapshot, line), stderr: '', durationMs: 0 };
    },
    async execAll(probes) {
      lines.push(...probes);
      return probes.map(answer);
    },
    async close() {},
  };
  return shell;
}

/** A lab target for recorded shells: every address inside it may be probed. */
export const recordedLab: Target = {
  spec: { kind: 'lab', name: 'recorded' },
  label: 'lab:recorded',
  argv: [],
  jobsDir: '/run/tsnet/jobs',
  hasOutside: true,
  outsideNs: '/run/tsnet/outside',
  fresh: false,
  lab: null,
};
