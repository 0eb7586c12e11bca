// Everything a target's network holds, for pictures (graph) and "what changed" (diff): every namespace, every part.
import type { Need, Part, Snapshot } from './model.js';
import { parseNetnsIds, parseNetnsList } from './ipJson.js';
import type { Shell } from '../target/shell.js';
import { parseSnapshotOutput, snapshotScript } from './snapshotScript.js';

/** Kernel settings the tutorial changes; the ones a diff and a picture mention. */
export const WATCHED_SYSCTLS = ['net.ipv4.ip_forward'] as const;

const PARTS: readonly Part[] = ['links', 'routes', 'iptables', 'listening'];

function spaceNeeds(spaces: readonly string[]): Need[] {
  return spaces.flatMap((ns) => [
    ...PARTS.map((part): Need => ({ ns, part })),
    ...WATCHED_SYSCTLS.map((key): Need => ({ ns, part: 'sysctl', key })),
  ]);
}

/** The needs that read all of it, given the netns names found. Pure. */
export function fullNeeds(netns: readonly string[], hasOutside: boolean): Need[] {
  return [{ ns: 'host', part: 'netns' }, ...spaceNeeds(['host', ...(hasOutside ? ['outside'] : []), ...netns])];
}

export interface FullSnapshotOptions {
  /** The netns names expected (from the last snapshot): read in the same round trip; new ones cost a second. */
  expected?: readonly string[];
}

/** Netns listed in `snapshot` but neither read nor known from before are new: read them whole (a second round trip). */
async function readNewNetns(shell: Shell, snapshot: Snapshot, known: readonly string[]): Promise<void> {
  const unexpected = snapshot.netns.filter((n) => !(n in snapshot.spaces) && !known.includes(n));
  if (unexpected.length === 0) return;
  const more = spaceNeeds(unexpected);
  Object.assign(snapshot.spaces, parseSnapshotOutput((await shell.exec(snapshotScript(more))).stdout, more).spaces);
}

/** Usually one round trip: the netns expected and the list; a second one only for netns that were not expected. */
export async function takeFullSnapshot(
  shell: Shell,
  hasOutside: boolean,
  options: FullSnapshotOptions = {},
): Promise<Snapshot> {
  let expected = options.expected;
  let listed: string | null = null;
  if (!expected) {
    listed = (await shell.exec('ip -j netns list 2>/dev/null')).stdout;
    expected = parseNetnsList(listed);
  }
  const needs = fullNeeds(expected, hasOutside);
  const snapshot = parseSnapshotOutput((await shell.exec(snapshotScript(needs))).stdout, needs);
  // A netns deleted between the two round trips is just gone; the list of the first one stands in if the second read none.
  if (snapshot.netns.length === 0 && listed !== null && expected.length > 0) {
    snapshot.netns = [...expected];
    snapshot.netnsIds = parseNetnsIds(listed);
  }
  await readNewNetns(shell, snapshot, []);
  return snapshot;
}

/**
 * The state after a step, reading again only `needs` (what the step could have changed and what its checks
 * judge); the rest is carried over from `before`. Without `netnsList` the list of netns is not read either.
 * A netns that appears unannounced is read whole, in a second round trip. `outside`: where the outside world is.
 */
export async function readAgain(
  shell: Shell,
  before: Snapshot,
  needs: readonly Need[],
  netnsList: boolean,
  outside?: string,
): Promise<Snapshot> {
  const all = netnsList ? [{ ns: 'host', part: 'netns' } as Need, ...needs] : [...needs];
  if (all.length === 0) return before;
  const read = parseSnapshotOutput((await shell.exec(snapshotScript(all, outside))).stdout, all);
  if (!all.some((n) => n.part === 'netns')) {
    read.netns = [...before.netns];
    if (before.netnsIds) read.netnsIds = before.netnsIds;
  }
  await readNewNetns(shell, read, before.netns);
  return carryOver(before, read);
}

/** The needs, among these, that `before` holds no reading of, for namespaces that exist. Pure. */
export function unread(before: Snapshot, needs: readonly Need[]): Need[] {
  return needs.filter((n) => {
    if (n.part === 'netns') return false;
    const space = before.spaces[n.ns];
    if (!space) return false;
    if (n.part === 'sysctl') return n.key !== undefined && space.sysctl?.[n.key] === undefined;
    return space[n.part] === undefined;
  });
}

/**
 * The state after a step that read only what it could have changed: each part read now wins, the rest
 * is carried over from before, and namespaces that are gone are dropped. Pure.
 */
export function carryOver(before: Snapshot, read: Snapshot): Snapshot {
  const spaces: Snapshot['spaces'] = {};
  for (const [ns, state] of Object.entries(before.spaces)) {
    if (state && (ns === 'host' || ns === 'outside' || read.netns.includes(ns))) spaces[ns] = state;
  }
  for (const [ns, state] of Object.entries(read.spaces))
    spaces[ns] = state === null ? null : { ...(spaces[ns] ?? {}), ...state };
  return { ...read, spaces };
}
