// Reading what checks need from a target, in one round trip of its shell.
import type { Need, Snapshot } from './model.js';
import { parseSnapshotOutput, snapshotScript, nsPath } from './snapshotScript.js';
import type { Shell } from '../target/shell.js';
import { shellQuote } from '../core/shellQuote.js';

/** Runs `line` in namespace `ns` of the target (through the target's shell); `outside`: where the outside world is. */
export function inNamespace(line: string, ns: string, outside?: string): string {
  const path = nsPath(ns, outside);
  return path ? `nsenter --net=${shellQuote(path)} ${line}` : line;
}

export async function takeSnapshot(shell: Shell, needs: readonly Need[], outside?: string): Promise<Snapshot> {
  if (needs.length === 0) return { netns: [], spaces: {} };
  const r = await shell.exec(snapshotScript(needs, outside));
  return parseSnapshotOutput(r.stdout, needs);
}
