// One snapshot read by several shells at once: each namespace's part of the snapshot script goes to
// one shell, so the processes of different namespaces (nsenter, bash, ip, iptables-save) overlap.
import type { Need, Snapshot } from './model.js';
import { takeSnapshot } from './takeSnapshot.js';
import type { Shell } from '../target/shell.js';

/** Which shell reads which needs: the host (and the netns list) on the first, the rest to the least loaded. Pure. */
export function shareOut(needs: readonly Need[], shells: number): Need[][] {
  const groups = new Map<string, Need[]>();
  for (const n of needs) {
    const key = n.part === 'netns' ? 'host' : n.ns;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const out: Need[][] = Array.from({ length: Math.max(1, shells) }, () => []);
  const weight = out.map(() => 0);
  const ordered = [...groups].sort(([a, x], [b, y]) => (a === 'host' ? -1 : b === 'host' ? 1 : y.length - x.length));
  for (const [ns, group] of ordered) {
    const i = ns === 'host' ? 0 : weight.indexOf(Math.min(...weight));
    out[i]!.push(...group);
    // Entering another namespace costs an nsenter and a bash on top of a process per part.
    weight[i]! += group.length + (ns === 'host' ? 0 : 2);
  }
  return out;
}

/** Reads `needs` as one snapshot, the namespaces shared out over `shells` side by side. */
export async function readSideBySide(shells: readonly Shell[], needs: readonly Need[]): Promise<Snapshot> {
  const shares = shareOut(needs, shells.length);
  const parts = await Promise.all(shares.map((share, i) => (share.length ? takeSnapshot(shells[i]!, share) : null)));
  const snapshot: Snapshot = { netns: [], spaces: {} };
  parts.forEach((part, i) => {
    if (!part) return;
    Object.assign(snapshot.spaces, part.spaces);
    if (shares[i]!.some((n) => n.part === 'netns')) {
      snapshot.netns = part.netns;
      if (part.netnsIds) snapshot.netnsIds = part.netnsIds;
    }
  });
  return snapshot;
}
