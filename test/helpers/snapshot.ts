// Shared by the check tests: the captured lab snapshots, parsed as the runner parses them, and a way to
// judge one check line against them.
import { readFileSync } from 'node:fs';
import { CheckSyntaxError } from '../../checks/checkLine.js';
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import type { Need, Part, Snapshot } from '../../src/snapshot/model.js';
import type { Verdict } from '../../checks/types.js';
import { parseSnapshotOutput, snapshotScript } from '../../src/snapshot/snapshotScript.js';

/**
 * Captured in labs. The shipped course: `after-lesson-4`, `after-lesson-7`; `lesson-5-half` (lesson 5's
 * first three steps typed by hand); after lesson 7 with `ceth0` down inside netns0 (`lesson-7-ceth0-down`)
 * or with `br0` down (`lesson-7-br0-down`); a new lab with nothing built (`nothing-built`). Another course,
 * test/fixtures/lessons/web-bridge: run in full, with a second uplink `wan2` (`web-bridge-two-uplinks`);
 * then with Docker's `docker0` let through a FORWARD policy of DROP (`web-bridge-docker-forward`); then
 * with br-web let through too and the MASQUERADE rule deleted (`web-bridge-forward-fixed-nat-gone`).
 * Each is `captureScript(spacesOf(name))` piped into `tsnet-learn lab shell NAME`, its banner line removed.
 */
export type Captured =
  | 'after-lesson-4'
  | 'after-lesson-7'
  | 'lesson-5-half'
  | 'lesson-7-ceth0-down'
  | 'lesson-7-br0-down'
  | 'nothing-built'
  | 'web-bridge-two-uplinks'
  | 'web-bridge-docker-forward'
  | 'web-bridge-forward-fixed-nat-gone';

/** The spaces the fixtures were collected for; `nosuch` does not exist, so it never printed `present`. */
export const SPACES = ['host', 'netns0', 'netns1', 'outside', 'nosuch'] as const;
const WEB_SPACES = ['host', 'web', 'db', 'outside', 'nosuch'] as const;
const PARTS: readonly Part[] = ['links', 'routes', 'sysctl', 'iptables', 'listening'];

export function spacesOf(name: Captured): readonly string[] {
  return name.startsWith('web-bridge') ? WEB_SPACES : SPACES;
}

/** The needs a fixture was collected with: every part of every space, plus the netns list. */
export function needsFor(spaces: readonly string[]): Need[] {
  return [
    { ns: 'host', part: 'netns' },
    ...spaces.flatMap((ns) =>
      PARTS.map((part): Need => (part === 'sysctl' ? { ns, part, key: 'net.ipv4.ip_forward' } : { ns, part })),
    ),
  ];
}

/** The needs the shipped course's fixtures were collected with. */
export const fixtureNeeds: Need[] = needsFor(SPACES);

/** The bash that captured a fixture (run inside the lab). */
export function captureScript(spaces: readonly string[]): string {
  return snapshotScript(needsFor(spaces));
}

/** The raw output of the snapshot script, as captured in a lab after running lessons up to N. */
export function snapshotText(name: Captured): string {
  return readFileSync(new URL(`../fixtures/snapshot/${name}.txt`, import.meta.url), 'utf8');
}

export function snapshotOf(name: Captured): Snapshot {
  return parseSnapshotOutput(snapshotText(name), needsFor(spacesOf(name)));
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

/** The command a check line's kind computes to make its claim true on a snapshot (null: none, or nothing to do). */
export function fixOf(line: string, snapshot: Snapshot): string | null {
  const parsed = parseCheckLine(line)!;
  return checkKinds[parsed.kind]!.fix?.(parsed.args, snapshot)?.command ?? null;
}
