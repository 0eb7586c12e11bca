// Waiting, before a negative probe, until nothing in the target is still coming up. Side effects via Shell.
import { lateAnswers, settleScript, unsettled } from '../snapshot/settling.js';
import type { Shell } from '../target/shell.js';

/**
 * The longest wait. Links settle within a second or two of a change (the link watcher's delay, chained
 * once through a bridge); STP's shortest forward delay keeps a port listening, then learning, 2 s each.
 */
export const SETTLE_LIMIT_MS = 5000;
const POLL_MS = 50;

export interface Settled {
  /** What is still coming up at the limit; null once nothing is (usually at the first reading). */
  comingUp: string | null;
  /** What may hold an answer back: proxy ARP, a delaying qdisc (src/snapshot/settling.ts); read in the same go. */
  late: string[];
}

/** Reads the target until no link is coming up, or the limit; says what still is, and who answers ARP by proxy. */
export async function untilSettled(
  shell: Shell,
  outside: string | null,
  limitMs: number = SETTLE_LIMIT_MS,
): Promise<Settled> {
  const script = settleScript(outside, { proxies: true });
  const deadline = Date.now() + limitMs;
  for (;;) {
    const output = (await shell.exec(script)).stdout;
    const left = unsettled(output);
    if (left.length === 0 || Date.now() >= deadline)
      return { comingUp: left.length === 0 ? null : left.join('; '), late: lateAnswers(output) };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
