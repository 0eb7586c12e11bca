// A full snapshot of this machine's network (every netns), read synchronously so that a signal handler
// can still record what an interrupted host run changed.
import { spawnSync } from 'node:child_process';
import { parseNetnsList } from '../snapshot/ipJson.js';
import type { Need, Snapshot } from '../snapshot/model.js';
import { fullNeeds } from '../snapshot/fullSnapshot.js';
import { parseSnapshotOutput, snapshotScript } from '../snapshot/snapshotScript.js';

function bash(script: string): string {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.stdout ?? '';
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
