// Recorded probe environments for unit tests of active checks (ping, http): no traffic, real outputs.
import { checkKinds, parseCheckLine } from '../../checks/index.js';
import type { ProbeEnv, Verdict } from '../../checks/types.js';

/**
 * A ProbeEnv that plays back recorded outputs, one per exec, and remembers what was run where;
 * `comingUp`: what the target says is still coming up, each time it is asked (then nothing);
 * `late`: what may hold an answer back there (nothing by default, as in the shipped lessons).
 */
export function playback(
  outputs: { exitCode: number; output: string }[],
  refuse: string | null = null,
  comingUp: (string | null)[] = [],
  late: string[] = [],
): ProbeEnv & { calls: { line: string; ns: string }[]; asked: string[] } {
  const calls: { line: string; ns: string }[] = [];
  const asked: string[] = [];
  return {
    calls,
    asked,
    async exec(line, ns) {
      calls.push({ line, ns });
      const next = outputs.shift();
      if (!next) throw new Error(`unexpected exec: ${line}`);
      return next;
    },
    refuseTraffic(address, ns) {
      asked.push(`${address} from ${ns}`);
      return refuse;
    },
    async stillComingUp() {
      calls.push({ line: 'still coming up?', ns: '' });
      return comingUp.shift() ?? null;
    },
    lateAnswers: late,
  };
}

/** Parses a check line and runs its kind's probe; `passes` applies `fails`. */
export async function probe(line: string, env: ProbeEnv): Promise<Verdict & { passes: boolean }> {
  const parsed = parseCheckLine(line)!;
  const kind = checkKinds[parsed.kind]!;
  const v = await kind.probe!(parsed.args, env);
  return { ...v, passes: v.ok !== kind.negated(parsed.args) };
}
