// A full snapshot of this machine's network (every netns), read synchronously so that a signal handler
// can still record what an interrupted host run changed.
import { runSync } from '../exec/spawn.js';
import { parseNetnsList } from '../snapshot/ipJson.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import { fullNeeds } from '../snapshot/fullSnapshot.js';
import { parseSnapshotOutput, snapshotScript } from '../snapshot/snapshotScript.js';

function bash(script: string): string {
  return runSync('bash', ['--noprofile', '--norc', '-c', script], {
    env: { LC_ALL: 'C', LANG: 'C' },
    timeoutMs: 30_000,
  }).stdout;
}

/** What takeFullSnapshot reads, plus the host sysctls named (those the lessons write). */
export function takeHostSnapshot(sysctls: readonly string[]): Snapshot {
  const names = parseNetnsList(bash('ip -j netns list 2>/dev/null'));
  const needs: Need[] = [
    ...fullNeeds(names, false),
    ...sysctls.map((key): Need => ({ ns: 'host', part: 'sysctl', key })),
  ];
  return parseSnapshotOutput(bash(snapshotScript(needs)), needs);
}
