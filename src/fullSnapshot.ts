// Everything a target's network holds, for pictures (graph) and "what changed" (diff): every namespace, every part.
import type { Need, Part, Snapshot } from '../checks/types.js';
import { parseNetnsIds, parseNetnsList } from '../checks/ipJson.js';
import type { Shell } from './shell.js';
import { parseSnapshotOutput, snapshotScript } from './snapshotScript.js';

/** Kernel settings the tutorial changes; the ones a diff and a picture mention. */
export const WATCHED_SYSCTLS = ['net.ipv4.ip_forward'] as const;

const PARTS: readonly Part[] = ['links', 'routes', 'iptables', 'listening'];

/** The needs that read all of it, given the netns names found. Pure. */
export function fullNeeds(netns: readonly string[], hasOutside: boolean): Need[] {
  const spaces = ['host', ...(hasOutside ? ['outside'] : []), ...netns];
  return [
    { ns: 'host', part: 'netns' },
    ...spaces.flatMap((ns) => [...PARTS.map((part): Need => ({ ns, part })), ...WATCHED_SYSCTLS.map((key): Need => ({ ns, part: 'sysctl', key }))]),
  ];
}

/** Two round trips: the netns names, then one script for all of them. */
export async function takeFullSnapshot(shell: Shell, hasOutside: boolean): Promise<Snapshot> {
  const list = await shell.exec('ip -j netns list 2>/dev/null');
  const names = parseNetnsList(list.stdout);
  const needs = fullNeeds(names, hasOutside);
  const r = await shell.exec(snapshotScript(needs));
  const snapshot = parseSnapshotOutput(r.stdout, needs);
  // The list of the first round trip when the second one read none (a race with a deleted netns is harmless).
  if (snapshot.netns.length === 0 && names.length > 0) {
    snapshot.netns = names;
    snapshot.netnsIds = parseNetnsIds(list.stdout);
  }
  return snapshot;
}
