// Shared by the check tests: the captured lab snapshots, parsed as the runner parses them, and a way to
// judge one check line against them.
import { readFileSync } from 'node:fs';
import { CheckSyntaxError } from '../../checks/checkLine.js';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import type { Need, Part, Snapshot } from '../../src/snapshot/model.js';
import type { Verdict } from '../../checks/types.js';
import { parseSnapshotOutput } from '../../src/snapshot/snapshotScript.js';

/** `lesson-5-half`: lesson 5's first three steps typed by hand in a fresh lab (netns0, netns1, br0). */
export type Captured = 'after-lesson-4' | 'after-lesson-7' | 'lesson-5-half';

/** The spaces the fixtures were collected for; `nosuch` does not exist, so it never printed `present`. */
export const SPACES = ['host', 'netns0', 'netns1', 'outside', 'nosuch'] as const;
const PARTS: readonly Part[] = ['links', 'routes', 'sysctl', 'iptables', 'listening'];

/** The needs the fixtures were collected with: every part of every space, plus the netns list. */
export const fixtureNeeds: Need[] = [
  { ns: 'host', part: 'netns' },
  ...SPACES.flatMap((ns) =>
    PARTS.map((part): Need => (part === 'sysctl' ? { ns, part, key: 'net.ipv4.ip_forward' } : { ns, part })),
  ),
];

/** The raw output of the snapshot script, as captured in a lab after running lessons up to N. */
export function snapshotText(name: Captured): string {
  return readFileSync(new URL(`../fixtures/snapshot/${name}.txt`, import.meta.url), 'utf8');
}

export function snapshotOf(name: Captured): Snapshot {
  return parseSnapshotOutput(snapshotText(name), fixtureNeeds);
}

/** The body of one `@@tsnet KIND NS` section of a captured output. */
export function sectionOf(name: Captured, kind: string, ns: string): string {
  const text = snapshotText(name);
  const start = text.indexOf(`\n@@tsnet ${kind} ${ns}\n`);
  if (start < 0) throw new Error(`no section ${kind} ${ns} in ${name}`);
  const body = text.slice(start + `\n@@tsnet ${kind} ${ns}\n`.length);
  const end = body.indexOf('\n@@tsnet ');
  return end < 0 ? body : body.slice(0, end);
}

export interface Judged extends Verdict {
  /** The verdict after `absent`/`fails` turn it around: what the runner reports as passed. */
  passes: boolean;
}

/** Parses one check line with parseCheckLine and evaluates it against a snapshot. */
export function judge(line: string, snapshot: Snapshot): Judged {
  const parsed = parseCheckLine(line);
  if (!parsed) throw new Error(`not a check: ${line}`);
  const kind = checkKinds[parsed.kind]!;
  const verdict = kind.evaluate!(parsed.args, snapshot);
  return { ...verdict, passes: verdict.ok !== kind.negated(parsed.args) };
}

/** The message and offset of the CheckSyntaxError a line raises, or null when it parses. */
export function syntaxError(line: string): { message: string; offset: number } | null {
  try {
    parseCheckLine(line);
    return null;
  } catch (e) {
    if (!(e instanceof CheckSyntaxError)) throw e;
    return { message: e.message, offset: e.offset };
  }
}
