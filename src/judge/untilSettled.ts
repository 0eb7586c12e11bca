// Waiting, before a negative probe, until nothing in the target is still coming up. Side effects via Shell.
import { settleScript, unsettled } from '../snapshot/settling.js';
import type { Shell } from '../target/shell.js';

/**
 * The longest wait. Links settle within a second or two of a change (the link watcher's delay, chained
 * once through a bridge); STP's shortest forward delay keeps a port listening, then learning, 2 s each.
 */
export const SETTLE_LIMIT_MS = 5000;
const POLL_MS = 50;

/** Resolves with null once no link is coming up (usually at the first reading), or with what still is at the limit. */
export async function untilSettled(
  shell: Shell,
  outside: string | null,
  limitMs: number = SETTLE_LIMIT_MS,
): Promise<string | null> {
  const script = settleScript(outside);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = unsettled((await shell.exec(script)).stdout);
    if (left.length === 0) return null;
    if (Date.now() >= deadline) return left.join('; ');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
